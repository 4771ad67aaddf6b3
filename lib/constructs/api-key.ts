import { Aws, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../lambda/src/env-names';
import type { ApiKeySource } from '../config';
import type { HandlerEnvironment } from '../environment';

export interface ApiKeyProps {
  /** Where the key lives: a new generated secret, an existing secret, or an existing SSM SecureString. */
  readonly source: ApiKeySource;
}

/** The JSON field of the secret that holds the key; the handler reads the same field. */
export const API_KEY_FIELD = 'api_key';

/**
 * The API key clients send as `Authorization: Bearer <key>`. Grants are written by hand so a role can read
 * exactly this one secret or parameter and nothing more (the L2 grantRead methods add Describe* actions).
 */
export class ApiKey extends Construct {
  /** Set when the key is in Secrets Manager (generated or existing). */
  readonly secretArn?: string;
  /** Set when the key is an SSM SecureString. */
  readonly parameterName?: string;
  /** Environment variables telling the handler where to read the key at run time. */
  readonly environment: HandlerEnvironment;
  /** AWS CLI command that prints the key. */
  readonly readCommand: string;

  private readonly resourceArn: string;
  private readonly service: 'secretsmanager' | 'ssm';
  private readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: ApiKeyProps) {
    super(scope, id);
    const { source } = props;
    const region = Stack.of(this).region;

    if (source.kind === 'parameter') {
      this.service = 'ssm';
      this.parameterName = source.parameterName;
      this.kmsKeyArn = source.kmsKeyArn;
      this.resourceArn = Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: source.parameterName.replace(/^\//, '') });
      this.environment = { [ENV.API_KEY_PARAM_NAME]: source.parameterName };
      this.readCommand = `aws ssm get-parameter --region ${region} --name ${source.parameterName} --with-decryption --query Parameter.Value --output text`;
    } else {
      this.service = 'secretsmanager';
      this.kmsKeyArn = source.kind === 'secret' ? source.kmsKeyArn : undefined;
      const arn = source.kind === 'secret' ? source.secretArn : this.generateSecret().secretArn;
      this.secretArn = arn;
      // A complete ARN ends in a 6-character suffix; a partial one needs the wildcard to match that suffix.
      this.resourceArn = source.kind === 'secret' && !/-[A-Za-z0-9]{6}$/.test(arn) ? `${arn}-??????` : arn;
      this.environment = { [ENV.API_KEY_SECRET_ARN]: arn };
      this.readCommand = `aws secretsmanager get-secret-value --region ${region} --secret-id ${arn} --query SecretString --output text`;
    }
  }

  /** Lets the handler read the key at run time (every target). */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, this.service === 'ssm' ? 'ssm:GetParameter' : 'secretsmanager:GetSecretValue');
  }

  private grant(grantee: iam.IGrantable, action: string): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [this.resourceArn] });
    if (this.kmsKeyArn) {
      // A customer managed key must let the role decrypt, but only on behalf of this one service.
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [this.kmsKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `${this.service}.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
      });
    }
    return grant;
  }

  private generateSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'Secret', {
      description: `API key of the OpenAI-compatible Bedrock gateway (${Stack.of(this).stackName})`,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: API_KEY_FIELD,
        excludePunctuation: true,
        passwordLength: 48,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key is a static bearer token shared with API clients; an automatic rotation would lock every client out without notice. Operators rotate it deliberately with put-secret-value.',
    });
    return secret;
  }
}
