import type { SpanDetail } from '@sightline/contracts';
import { Badge, KeyValues, TextBlock } from '../components/ui.tsx';
import { formatCount, formatMs, formatTime, formatUsd } from '../model/format.ts';
import { Conversation, ContentView, RetrievalView } from './conversation.tsx';
import { readContent } from '../model/messages.ts';
import type { ComponentChildren } from 'preact';

function Section({ title, children, open = true }: { title: string; children: ComponentChildren; open?: boolean }) {
  return (
    <details class="section" open={open}>
      <summary>{title}</summary>
      <div class="section-body">{children}</div>
    </details>
  );
}

function CostView({ span }: { span: SpanDetail }) {
  const ex = span.costExplanation;
  return (
    <div class="cost">
      <p>
        <strong>{span.costUsd === null ? 'No cost' : formatUsd(span.costUsd)}</strong>{' '}
        {span.costStatus && <Badge tone={span.costStatus === 'unpriced' ? 'warn' : 'info'}>{span.costStatus}</Badge>}
      </p>
      {ex && (
        <>
          <KeyValues
            rows={[
              ['Price entry', ex.priceKey ?? '—'],
              ['Source', ex.source],
              ['Effective from', ex.effectiveFrom ?? '—'],
              ['Service tier', ex.serviceTier ?? '—'],
            ]}
          />
          {ex.lines.length > 0 && (
            <table class="data compact">
              <thead>
                <tr>
                  <th scope="col">Usage</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Unit price</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                {ex.lines.map((l) => (
                  <tr key={l.usageType}>
                    <td>{l.usageType}</td>
                    <td class="num">{formatCount(l.quantity)}</td>
                    <td class="num">
                      ${l.unitPriceUsd} / {l.unit}
                    </td>
                    <td class="num">{formatUsd(l.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {ex.note && <p class="subtle">{ex.note}</p>}
        </>
      )}
    </div>
  );
}

function AttributeTable({ attrs }: { attrs: Record<string, string> }) {
  const entries = Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <div class="subtle">None.</div>;
  return (
    <table class="data compact attrs">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">
              <code>{k}</code>
            </th>
            <td>
              <TextBlock text={v} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Everything about one span; content is parsed only for the span on screen. */
export function SpanPanel({ span }: { span: SpanDetail }) {
  const isModel = span.spanClass === 'llm' || span.spanClass === 'embedding';
  const facts: [string, ComponentChildren][] = [
    ['Kind', span.spanClass],
    ['Service', span.serviceName],
    ['Started', <span title={span.startTime}>{formatTime(span.startTime)}</span>],
    ['Duration', formatMs(span.durationMs)],
  ];
  if (span.operationName) facts.push(['Operation', span.operationName]);
  if (span.provider) facts.push(['Provider', span.provider]);
  if (span.requestModel) facts.push(['Requested model', span.requestModel]);
  if (span.responseModel && span.responseModel !== span.requestModel) facts.push(['Response model', span.responseModel]);
  if (span.serviceTier) facts.push(['Service tier', span.serviceTier]);
  if (span.ttftMs !== null) facts.push(['Time to first token', formatMs(span.ttftMs)]);
  if (span.finishReasons.length > 0) facts.push(['Finish reasons', span.finishReasons.join(', ')]);
  if (span.promptName) facts.push(['Prompt', `${span.promptName}${span.promptVersion ? ` @ ${span.promptVersion}` : ''}`]);
  else if (span.promptVersion) facts.push(['Prompt version', span.promptVersion]);
  if (span.configVersion) facts.push(['Config version', span.configVersion]);
  if (span.toolName) facts.push(['Tool', span.toolName]);
  if (span.attempt > 1) facts.push(['Attempt', String(span.attempt)]);
  if (span.validationStatus) facts.push(['Validation', span.validationStatus]);
  if (span.userId) facts.push(['User', span.userId]);
  if (span.sessionId) facts.push(['Session', span.sessionId]);
  if (span.convention) facts.push(['Convention', span.convention]);

  return (
    <aside class="span-panel" aria-label={`Span ${span.name}`}>
      <h2>
        {span.name || '(unnamed)'}{' '}
        {span.status === 'unset' ? (
          // Most instrumentations leave a successful span's status unset; "unset" read like a problem.
          <Badge tone="neutral" title="OpenTelemetry status: unset (no error recorded)">no error</Badge>
        ) : (
          <Badge tone={span.status === 'error' ? 'error' : span.status === 'ok' ? 'ok' : 'neutral'}>{span.status}</Badge>
        )}
        {span.failureClass && <Badge tone="error">{span.failureClass}</Badge>}
      </h2>
      {span.statusMessage && <TextBlock text={span.statusMessage} class="status-message" />}
      <KeyValues rows={facts} />
      {span.diagnostics.length > 0 && (
        <Section title={`Diagnostics (${span.diagnostics.length})`}>
          <ul class="diagnostics">
            {span.diagnostics.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </Section>
      )}
      {span.contentTruncated && <p class="notice">Content was cut to the size cap at ingest.</p>}
      {isModel && (
        <Section title="Conversation">
          <Conversation input={span.input} output={span.output} />
        </Section>
      )}
      {span.spanClass === 'retrieval' && (
        <Section title="Retrieval">
          <RetrievalView input={span.input} output={span.output} />
        </Section>
      )}
      {!isModel && span.spanClass !== 'retrieval' && (span.input !== null || span.output !== null) && (
        <Section title={span.spanClass === 'tool' ? 'Tool call' : 'Input / output'}>
          <h4>{span.spanClass === 'tool' ? 'Arguments' : 'Input'}</h4>
          <ContentView content={readContent(span.input)} />
          <h4>{span.spanClass === 'tool' ? 'Result' : 'Output'}</h4>
          <ContentView content={readContent(span.output)} />
        </Section>
      )}
      {(isModel || span.inputTokens > 0 || span.outputTokens > 0) && (
        <Section title="Tokens and cost">
          <KeyValues
            rows={[
              ['Input tokens', formatCount(span.inputTokens)],
              ['  of which cache reads', formatCount(span.cachedInputTokens)],
              ['  of which cache writes', formatCount(span.cacheWriteTokens)],
              ['Output tokens', formatCount(span.outputTokens)],
              ['  of which reasoning', formatCount(span.reasoningTokens)],
            ]}
          />
          <CostView span={span} />
        </Section>
      )}
      {span.events.length > 0 && (
        <Section title={`Events (${span.events.length})`} open={false}>
          <ol class="events">
            {span.events.map((ev, i) => (
              <li key={i}>
                <div class="part-head">
                  <code>{ev.name}</code> <span class="subtle">{formatTime(ev.time)}</span>
                </div>
                <AttributeTable attrs={ev.attributes} />
              </li>
            ))}
          </ol>
        </Section>
      )}
      <Section title={`Attributes (${Object.keys(span.attributes).length})`} open={false}>
        <AttributeTable attrs={span.attributes} />
      </Section>
      <Section title="Resource" open={false}>
        <AttributeTable attrs={span.resourceAttributes} />
      </Section>
      <p class="subtle ids">
        span <code>{span.spanId}</code>
        {span.parentSpanId && (
          <>
            {' '}
            · parent <code>{span.parentSpanId}</code>
          </>
        )}
      </p>
    </aside>
  );
}
