/**
 * Codex CLI 0.171.0's real request bodies (test/fixtures/codex-cli, captured from `codex exec`) through the
 * Responses translation: no CLI needed, so a change that breaks Codex fails here first.
 */
import { chatRequestSchema, type ChatRequest } from '../../../lambda/src/schema/chat';
import { responsesRequestSchema } from '../../../lambda/src/schema/responses';
import { parseRequest } from '../../../lambda/src/schema/validate';
import { toChatRequest } from '../../../lambda/src/translate/responses/request';
import fixture from '../../fixtures/codex-cli/requests-0.171.0.json';

function translate(body: unknown) {
  const built = toChatRequest(parseRequest(responsesRequestSchema, body));
  // The chat schema is the contract the rest of the pipeline relies on.
  return { built, chat: parseRequest(chatRequestSchema, built.request) as ChatRequest };
}

const names = (chat: ChatRequest) => (chat.tools ?? []).map((t) => t.function.name);

describe('Codex CLI 0.171.0 requests', () => {
  it('a known model (gpt-5.5): apply_patch becomes a one-string function, the client tool search a function; web_search is left out', () => {
    const { built, chat } = translate(fixture['gpt-5.5']);
    expect(built.ignoredTools).toEqual(['web_search']);
    expect(names(chat)).toEqual(['exec_command', 'write_stdin', 'request_user_input', 'apply_patch', 'view_image', 'get_goal', 'create_goal', 'update_goal', 'tool_search']);
    const applyPatch = chat.tools!.find((t) => t.function.name === 'apply_patch')!;
    expect(applyPatch.function.parameters).toMatchObject({ properties: { input: { type: 'string' } }, required: ['input'] });
    expect(applyPatch.function.description).toContain('*** Begin Patch');
    expect(chat.reasoning_effort).toBe('medium');
  });

  it('its history (reasoning, exec_command, apply_patch and their outputs) becomes two tool turns with thinking', () => {
    const { chat } = translate(fixture['gpt-5.5']);
    const turns = chat.messages.slice(4) as Array<Record<string, any>>;
    expect(turns.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant', 'tool']);
    expect(turns[0].tool_calls).toEqual([{ id: 'call_sh1', type: 'function', function: { name: 'exec_command', arguments: expect.stringContaining('notes.txt') } }]);
    expect(turns[0].thinking_blocks).toEqual([expect.objectContaining({ thinking: 'Write the file with the shell.', signature: 'sig-1' })]);
    expect(turns[2].tool_calls[0]).toMatchObject({ id: 'call_ap1', function: { name: 'apply_patch' } });
    expect(JSON.parse(turns[2].tool_calls[0].function.arguments)).toEqual({ input: fixture['gpt-5.5'].input[8].input });
    expect(turns[2].thinking_blocks).toEqual([expect.objectContaining({ signature: 'sig-2' })]);
    expect(turns[3]).toMatchObject({ tool_call_id: 'call_ap1', content: expect.stringContaining('Success') });
  });

  it('an unknown model (a Bedrock id): the namespace tool is flattened, web_search left out, effort "high" kept', () => {
    const { built, chat } = translate(fixture['bedrock-id']);
    expect(built.ignoredTools).toEqual(['web_search']);
    expect(names(chat)).toEqual(expect.arrayContaining(['multi_agent_v1__close_agent', 'multi_agent_v1__spawn_agent', 'multi_agent_v1__wait_agent']));
    expect(chat.reasoning_effort).toBe('high');
  });
});
