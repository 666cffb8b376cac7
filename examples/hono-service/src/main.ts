import { serve } from '@hono/node-server';
import OpenAI from 'openai';
import { init, shutdown, wrapOpenAI } from '@sightline/sdk';
import { createService } from './app.ts';

// SIGHTLINE_ENDPOINT / SIGHTLINE_API_KEY for the export, OPENAI_* for the model, PORT for the service.
init({ serviceName: 'example-hono-service', flushOnExit: false });
const app = createService({ openai: wrapOpenAI(new OpenAI()) });
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});

// On shutdown: stop taking requests, let in-flight ones finish, then export what is buffered.
// (flushOnExit is off above because this handler does the flush after the server has drained.)
const stop = () => {
  server.close(() => {
    void shutdown().then(() => process.exit(0));
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
