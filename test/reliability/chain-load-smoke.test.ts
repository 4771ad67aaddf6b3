/**
 * A small form of scripts/chain-load.ts (the full run: 64 chains of 10 turns, figures in docs/responses.md):
 * concurrent conversations chained with previous_response_id on the DynamoDB store lose no turn.
 */
import { runChainLoad } from '../../scripts/chain-load';

it('chains concurrent conversations through the DynamoDB store without losing a turn', async () => {
  const result = await runChainLoad({ chains: 8, turns: 3, maxSeconds: 20 });
  expect(result.stored).toMatchObject({ turns: 24, failures: 0, failureKinds: {} });
  expect(result.unstored).toMatchObject({ turns: 24, failures: 0 });
}, 40_000);
