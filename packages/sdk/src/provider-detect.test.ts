import { describe, expect, it } from 'vitest';
import { detectServer } from './provider-detect.ts';

describe('detectServer', () => {
  it.each([
    ['https://api.openai.com/v1', 'openai'],
    ['https://my-res.openai.azure.com/openai/deployments/gpt4', 'azure.ai.openai'],
    ['http://localhost:8000/v1', 'vllm'],
    ['http://gpu-box.internal/vllm/v1', 'vllm'],
    ['http://localhost:11434/v1', 'ollama'],
    ['http://127.0.0.1:1234/v1', 'lmstudio'],
    ['https://api.groq.com/openai/v1', 'groq'],
    ['https://api.together.xyz/v1', 'together'],
    ['https://api.fireworks.ai/inference/v1', 'fireworks'],
    ['https://api.deepseek.com', 'deepseek'],
    ['https://api.mistral.ai/v1', 'mistral_ai'],
    ['https://openrouter.ai/api/v1', 'openrouter'],
    ['https://api.x.ai/v1', 'x_ai'],
    ['http://10.0.0.5:9000/v1', 'openai_compatible'],
  ])('%s → %s', (url, provider) => {
    expect(detectServer(url, 'openai').provider).toBe(provider);
  });

  it('records server address and port', () => {
    expect(detectServer('http://localhost:8000/v1', 'openai')).toEqual({ provider: 'vllm', address: 'localhost', port: 8000 });
    expect(detectServer('https://api.openai.com/v1', 'openai')).toEqual({ provider: 'openai', address: 'api.openai.com', port: 443 });
  });
});
