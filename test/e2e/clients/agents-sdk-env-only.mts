// The Agents SDK configured by environment variables alone (OPENAI_BASE_URL, OPENAI_API_KEY), as the
// README's deploy section sets them for "most OpenAI-compatible tools". test/e2e/agents-sdk.test.ts runs
// it with and without OPENAI_AGENTS_DISABLE_TRACING to show what tracing sends where.
import { Agent, run, tool } from '@openai/agents';
import { z } from 'zod';

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `${city}: sunny, 24°C`,
});
const agent = new Agent({
  name: 'Weather assistant',
  instructions: 'Answer weather questions with the get_weather tool.',
  model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  tools: [getWeather],
  modelSettings: { store: false },
});
const result = await run(agent, 'What is the weather in Paris?');
console.log(result.finalOutput);
