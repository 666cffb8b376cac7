import { describe, expect, it } from 'vitest';
import { chatInputJson, chatInputMessages, chatOutputJson, chatOutputMessages } from './chat-mapping.ts';
import { newChoice, streamOutputJson, toMessage, type ChoiceAcc } from './chat-stream.ts';

// The direct serialisers must write exactly what JSON.stringify of the mapped messages writes.
const inputs: unknown[][] = [
  [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Line 1\nLine "2" \\ \u0001 \ud83d\ude00 \ud800' }],
  [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
  [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }],
  [{ role: 'tool', tool_call_id: 'c1', content: '42' }],
  [{ role: 'user', content: 'hi', name: 'ann' }, { content: 'no role' }, null, { role: 'assistant', content: 'ok', tool_calls: [] }],
  [],
];

const outputs: unknown[][] = [
  [{ index: 0, message: { role: 'assistant', content: 'Answer "quoted"\n', refusal: null }, finish_reason: 'stop' }],
  [{ index: 0, message: { role: 'assistant', content: null, refusal: 'no' }, finish_reason: 'stop' }],
  [{ index: 0, message: { role: 'assistant', content: 'x', reasoning_content: 'think' }, finish_reason: 'length' }],
  [{ index: 0, message: { role: 'assistant', content: '', tool_calls: [{ id: 't', function: { name: 'g', arguments: '{}' } }] }, finish_reason: 'tool_calls' }],
  [{ index: 0, message: { content: 'a' } }, { index: 1, message: { role: 'assistant', content: 'b' }, finish_reason: 'stop' }],
  [{ index: 0 }],
];

describe('chat content serialisers', () => {
  it.each(inputs.map((m, i) => [i, m] as const))('input case %i matches JSON.stringify of the mapped messages', (_i, messages) => {
    expect(chatInputJson(messages)).toBe(JSON.stringify(chatInputMessages(messages)));
  });

  it.each(outputs.map((c, i) => [i, c] as const))('output case %i matches JSON.stringify of the mapped messages', (_i, choices) => {
    expect(chatOutputJson(choices)).toBe(JSON.stringify(chatOutputMessages(choices)));
  });

  it('returns undefined for input that is not a message list, and [] for missing choices', () => {
    expect(chatInputJson('text')).toBeUndefined();
    expect(chatOutputJson(undefined)).toBe('[]');
  });
});

describe('stream output serialiser', () => {
  const acc = (patch: Partial<ChoiceAcc>): ChoiceAcc => ({ ...newChoice(), ...patch });
  const cases: ChoiceAcc[][] = [
    [acc({ text: 'The "answer"\n is 4.', hasText: true, finish: 'stop' })],
    [acc({})],
    [acc({ text: 'a', hasText: true, reasoning: 'think', finish: 'length' })],
    [acc({ tools: new Map([[0, { id: 't', name: 'f', args: '{"a":1}' }]]), finish: 'tool_calls' })],
    [acc({ role: 'assistant', text: 'x', hasText: true }), acc({ text: 'y', hasText: true, finish: 'stop' })],
  ];
  it.each(cases.map((c, i) => [i, c] as const))('case %i matches JSON.stringify of the assembled messages', (_i, choices) => {
    expect(streamOutputJson(choices)).toBe(JSON.stringify(choices.map(toMessage)));
  });
});
