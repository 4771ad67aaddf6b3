/**
 * Reads API keys from Secrets Manager or SSM Parameter Store. The SDK clients are loaded on first use so
 * processes configured with a literal key never pay for them.
 */
import { keysFromSecretString, type KeyFetcher } from '../auth/key-store';

/**
 * How long one read of a key source may take, retries included. A Secrets Manager or SSM endpoint that
 * accepts the connection and never answers would otherwise hold the refresh (and every first request) for
 * as long as the connection stays open.
 */
export const KEY_SOURCE_TIMEOUT_MS = 5_000;

/** Runs `create` once, on first use. */
function lazily<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= create());
}

export function secretsManagerKeys(secretArn: string, region: string, timeoutMs = KEY_SOURCE_TIMEOUT_MS): KeyFetcher {
  const sdk = lazily(async () => {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    return { client: new SecretsManagerClient({ region }), GetSecretValueCommand };
  });
  return async () => {
    const { client, GetSecretValueCommand } = await sdk();
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    const value = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : '');
    return keysFromSecretString(value);
  };
}

export function parameterStoreKeys(name: string, region: string, timeoutMs = KEY_SOURCE_TIMEOUT_MS): KeyFetcher {
  const sdk = lazily(async () => {
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    return { client: new SSMClient({ region }), GetParameterCommand };
  });
  return async () => {
    const { client, GetParameterCommand } = await sdk();
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return keysFromSecretString(out.Parameter?.Value ?? '');
  };
}
