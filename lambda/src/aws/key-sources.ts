/**
 * Reads API keys from Secrets Manager or SSM Parameter Store. The SDK clients are loaded on first use so
 * processes configured with a literal key never pay for them.
 */
import { keysFromSecretString, type KeyFetcher } from '../auth/key-store';

export function secretsManagerKeys(secretArn: string, region: string): KeyFetcher {
  return async () => {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({ region });
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const value = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : '');
    return keysFromSecretString(value);
  };
}

export function parameterStoreKeys(name: string, region: string): KeyFetcher {
  return async () => {
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const client = new SSMClient({ region });
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return keysFromSecretString(out.Parameter?.Value ?? '');
  };
}
