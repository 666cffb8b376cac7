import OpenAI from 'openai';
import { init, shutdown, wrapOpenAI } from '@sightline/sdk';
import { summariseTicket } from './summarise.ts';

// The same code the tests exercise, run for real: SIGHTLINE_* for the export, OPENAI_* for the model.
init({ serviceName: 'example-ticket-summariser' });
const openai = wrapOpenAI(new OpenAI());

try {
  const summary = await summariseTicket(openai, 'Since the last update the invoice PDF is blank for EU customers; two of them escalated.');
  console.log(`summary: ${JSON.stringify(summary)}`);
} finally {
  await shutdown();
}
