import { describe, expect, it } from 'vitest';
import { readContent, readDocuments } from './messages.ts';

describe('readContent', () => {
  it('reads OTel GenAI parts messages, tool calls and responses included', () => {
    const c = readContent(
      JSON.stringify([
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'weather', arguments: { city: 'Paris' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '18C' }] },
      ]),
    );
    expect(c.kind).toBe('messages');
    if (c.kind !== 'messages') return;
    expect(c.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(c.messages[2]!.parts[0]).toEqual({ kind: 'tool_call', id: 'c1', name: 'weather', arguments: '{\n  "city": "Paris"\n}' });
    expect(c.messages[3]!.parts[0]).toEqual({ kind: 'tool_result', id: 'c1', content: '18C' });
  });

  it('reads OpenAI chat messages with tool_calls and tool replies', () => {
    const c = readContent(
      JSON.stringify([
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'found' },
      ]),
    );
    if (c.kind !== 'messages') throw new Error(c.kind);
    expect(c.messages[0]!.parts).toEqual([{ kind: 'tool_call', id: 't1', name: 'lookup', arguments: '{"q":1}' }]);
    expect(c.messages[1]!.parts).toEqual([{ kind: 'tool_result', id: 't1', content: 'found' }]);
  });

  it('reads Anthropic content blocks and never turns an image into something to fetch', () => {
    const c = readContent(
      JSON.stringify([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'url', url: 'https://evil.example/x.png' } },
            { type: 'tool_result', tool_use_id: 'tu1', content: [{ type: 'text', text: 'ok' }] },
          ],
        },
      ]),
    );
    if (c.kind !== 'messages') throw new Error(c.kind);
    expect(c.messages[0]!.parts).toEqual([
      { kind: 'text', text: 'look' },
      { kind: 'media', mediaType: 'image', ref: 'https://evil.example/x.png' },
      { kind: 'tool_result', id: 'tu1', content: 'ok' },
    ]);
  });

  it('keeps markup as text and falls back for plain, truncated and unknown content', () => {
    expect(readContent('<img src=x onerror=alert(1)>')).toEqual({ kind: 'text', text: '<img src=x onerror=alert(1)>' });
    expect(readContent('[{"role":"user","content":"cut he')).toEqual({ kind: 'text', text: '[{"role":"user","content":"cut he' });
    expect(readContent('{"temperature":0.2}')).toEqual({ kind: 'json', text: '{\n  "temperature": 0.2\n}' });
    expect(readContent(null)).toEqual({ kind: 'none' });
    expect(readContent('"just a string"')).toEqual({ kind: 'text', text: 'just a string' });
  });

  it('reads an OpenAI response body through its choices', () => {
    const c = readContent(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] }));
    if (c.kind !== 'messages') throw new Error(c.kind);
    expect(c.messages[0]).toEqual({ role: 'assistant', parts: [{ kind: 'text', text: 'hi' }], finishReason: 'stop' });
  });
});

describe('readDocuments', () => {
  it('reads documents with ids, scores and text', () => {
    expect(readDocuments(JSON.stringify([{ id: 'd1', score: 0.9, content: 'alpha' }, { id: 'd2', text: 'beta' }]))).toEqual([
      { id: 'd1', score: 0.9, content: 'alpha' },
      { id: 'd2', score: null, content: 'beta' },
    ]);
    expect(readDocuments(JSON.stringify({ documents: [{ id: 'x', score: 1 }] }))).toEqual([{ id: 'x', score: 1, content: '' }]);
    expect(readDocuments('not json')).toBeNull();
  });
});
