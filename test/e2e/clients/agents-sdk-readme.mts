// The README's OpenAI Agents SDK snippet ("Clients" section), run unchanged as its own process by
// test/e2e/agents-sdk.test.ts with OPENAI_BASE_URL and OPENAI_API_KEY pointing at the gateway.
import OpenAI from 'openai';
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled, tool } from '@openai/agents';
import { z } from 'zod';

setTracingDisabled(true); // or OPENAI_AGENTS_DISABLE_TRACING=1; see the note below the snippet
setDefaultOpenAIClient(new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY }));
// setOpenAIAPI('chat_completions');   // to use /chat/completions instead of /responses

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
