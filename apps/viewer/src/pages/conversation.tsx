import { TextBlock } from '../components/ui.tsx';
import { readContent, readDocuments } from '../model/messages.ts';
import type { Content, Message, Part } from '../model/messages.ts';

function PartView({ part }: { part: Part }) {
  switch (part.kind) {
    case 'text':
      return <TextBlock text={part.text} />;
    case 'tool_call':
      return (
        <div class="tool-call">
          <div class="part-head">
            Tool call <code>{part.name}</code> {part.id && <span class="subtle">{part.id}</span>}
          </div>
          <TextBlock text={part.arguments} class="code" />
        </div>
      );
    case 'tool_result':
      return (
        <div class="tool-result">
          <div class="part-head">Tool result {part.id && <span class="subtle">{part.id}</span>}</div>
          <TextBlock text={part.content} class="code" />
        </div>
      );
    case 'media':
      // Shown as text: an <img> here would let a prompt make the viewer fetch any URL.
      return (
        <div class="media-ref">
          [{part.mediaType || 'media'}] <code>{part.ref}</code>
        </div>
      );
    case 'json':
      return <TextBlock text={part.value} class="code" />;
  }
}

function MessageView({ message }: { message: Message }) {
  return (
    <div class={`message role-${/^[a-z_]+$/.test(message.role) ? message.role : 'other'}`} data-role={message.role}>
      <div class="message-head">
        <span class="role">{message.role}</span>
        {message.name && <span class="subtle"> {message.name}</span>}
        {message.finishReason && <span class="subtle"> · finish: {message.finishReason}</span>}
      </div>
      {message.parts.length === 0 ? <div class="subtle">(empty)</div> : message.parts.map((p, i) => <PartView key={i} part={p} />)}
    </div>
  );
}

export function ContentView({ content }: { content: Content }) {
  switch (content.kind) {
    case 'none':
      return <div class="subtle">Not captured.</div>;
    case 'messages':
      return (
        <div class="conversation">
          {content.messages.map((m, i) => (
            <MessageView key={i} message={m} />
          ))}
        </div>
      );
    case 'text':
      return <TextBlock text={content.text} />;
    case 'json':
      return <TextBlock text={content.text} class="code" />;
  }
}

/** Input then output of an LLM span, read as one conversation. */
export function Conversation({ input, output }: { input: string | null; output: string | null }) {
  const inContent = readContent(input);
  const outContent = readContent(output);
  return (
    <div class="conversation-pair">
      <h4>Input</h4>
      <ContentView content={inContent} />
      <h4>Output</h4>
      <ContentView content={outContent} />
    </div>
  );
}

export function RetrievalView({ input, output }: { input: string | null; output: string | null }) {
  const docs = readDocuments(output);
  return (
    <div>
      <h4>Query</h4>
      <ContentView content={readContent(input)} />
      <h4>Documents{docs ? ` (${docs.length})` : ''}</h4>
      {docs ? (
        <ol class="documents">
          {docs.map((d, i) => (
            <li key={i}>
              <div class="part-head">
                <code>{d.id}</code> {d.score !== null && <span class="subtle">score {d.score.toFixed(3)}</span>}
              </div>
              {d.content && <TextBlock text={d.content} />}
            </li>
          ))}
        </ol>
      ) : (
        <ContentView content={readContent(output)} />
      )}
    </div>
  );
}
