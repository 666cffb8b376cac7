/**
 * Every span attribute key Sightline writes or reads, in one place.
 *
 * `ATTR_GEN_AI_*` follow the OpenTelemetry GenAI semantic conventions (current forms first, then the
 * deprecated ones the ingest normaliser still understands). `ATTR_SIGHTLINE_*` cover what the
 * conventions lack: prompt versions, validation, retry attempts, the end user, explicit cost.
 */

// --- OpenTelemetry GenAI: current -------------------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_DESCRIPTION = 'gen_ai.tool.description';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions';
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_GEN_AI_AGENT_ID = 'gen_ai.agent.id';
export const ATTR_GEN_AI_DATA_SOURCE_ID = 'gen_ai.data_source.id';
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';
export const ATTR_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier';
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_USER_ID = 'user.id';
export const ATTR_SESSION_ID = 'session.id';
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
export const ATTR_DEPLOYMENT_ENVIRONMENT = 'deployment.environment';

/** Values of `gen_ai.operation.name`. */
export const GEN_AI_OPERATION = {
  chat: 'chat',
  textCompletion: 'text_completion',
  generateContent: 'generate_content',
  embeddings: 'embeddings',
  executeTool: 'execute_tool',
  invokeAgent: 'invoke_agent',
  createAgent: 'create_agent',
  retrieval: 'retrieval',
  workflow: 'workflow',
} as const;

/** Per-message events of older GenAI conventions (deprecated, still read on ingest). */
export const EVENT_GEN_AI_SYSTEM_MESSAGE = 'gen_ai.system.message';
export const EVENT_GEN_AI_USER_MESSAGE = 'gen_ai.user.message';
export const EVENT_GEN_AI_ASSISTANT_MESSAGE = 'gen_ai.assistant.message';
export const EVENT_GEN_AI_TOOL_MESSAGE = 'gen_ai.tool.message';
export const EVENT_GEN_AI_CHOICE = 'gen_ai.choice';
export const EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS = 'gen_ai.client.inference.operation.details';

// --- OpenTelemetry GenAI: deprecated forms (read on ingest, never written) ---------------------
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
export const ATTR_GEN_AI_PROMPT_PREFIX = 'gen_ai.prompt.';
export const ATTR_GEN_AI_COMPLETION_PREFIX = 'gen_ai.completion.';
export const ATTR_GEN_AI_PROMPT = 'gen_ai.prompt';
export const ATTR_GEN_AI_COMPLETION = 'gen_ai.completion';

// --- Sightline extensions ---------------------------------------------------------------------
/** The instrumentation scope (tracer name) of every span `@sightline/sdk` writes. */
export const SIGHTLINE_SCOPE_NAME = '@sightline/sdk';
export const ATTR_SIGHTLINE_SDK_VERSION = 'sightline.sdk.version';
export const ATTR_SIGHTLINE_SPAN_CLASS = 'sightline.span.class';
export const ATTR_SIGHTLINE_PROMPT_NAME = 'sightline.prompt.name';
export const ATTR_SIGHTLINE_PROMPT_VERSION = 'sightline.prompt.version';
export const ATTR_SIGHTLINE_PROMPT_VARIABLES = 'sightline.prompt.variables';
export const ATTR_SIGHTLINE_CONFIG_VERSION = 'sightline.config.version';
/**
 * The endpoint a span served: the name of its local root span (the server span `POST /chat`, a
 * `traceWorkflow('answer-ticket')`), written by the SDK on its spans so spend per endpoint can be
 * rolled up as spans arrive, before the root itself (which ends last) is exported.
 */
export const ATTR_SIGHTLINE_ENDPOINT = 'sightline.endpoint';
export const ATTR_SIGHTLINE_USER_ID = 'sightline.user.id';
export const ATTR_SIGHTLINE_SESSION_ID = 'sightline.session.id';
/** Prefix of user metadata from `withContext({ metadata })`: `sightline.metadata.<key>`. */
export const ATTR_SIGHTLINE_METADATA_PREFIX = 'sightline.metadata.';
export const ATTR_SIGHTLINE_VALIDATION_STATUS = 'sightline.validation.status';
export const ATTR_SIGHTLINE_VALIDATION_ERROR = 'sightline.validation.error';
export const ATTR_SIGHTLINE_ATTEMPT = 'sightline.attempt';
/** Stable key of one logical call across its retries (same value on every attempt). */
export const ATTR_SIGHTLINE_CALL_KEY = 'sightline.call.key';
export const ATTR_SIGHTLINE_COST_USD = 'sightline.cost.usd';
export const ATTR_SIGHTLINE_STREAM_CHUNK_COUNT = 'sightline.stream.chunk_count';
/** Comma-separated attribute keys that were cut to the size cap. */
export const ATTR_SIGHTLINE_TRUNCATED = 'sightline.truncated';
/** JSON array of diagnostics the SDK itself noticed (e.g. "stream gave no usage"). */
export const ATTR_SIGHTLINE_DIAGNOSTICS = 'sightline.diagnostics';
export const ATTR_SIGHTLINE_RETRIEVAL_QUERY = 'sightline.retrieval.query';
/** JSON array of `{ id, score }` of the retrieved documents. */
export const ATTR_SIGHTLINE_RETRIEVAL_DOCUMENTS = 'sightline.retrieval.documents';
export const ATTR_SIGHTLINE_RETRIEVAL_COUNT = 'sightline.retrieval.count';
export const ATTR_SIGHTLINE_GPU_SECONDS = 'sightline.gpu.seconds';

/** Values of `sightline.validation.status`. */
export const VALIDATION_STATUS = { passed: 'passed', failed: 'failed' } as const;

/** The marker that replaces a field whose `mask` hook threw, or a secret found by redaction. */
export const REDACTED_MARKER = '[REDACTED]';
