/**
 * Every piece of the AWS SDK the lean runtime client takes outside the client's public command API, in one
 * place. They are exported by their packages but not part of the SDK's documented surface, so the versions
 * they were checked against are pinned here and `test/aws/lean-runtime/sdk-parts.test.ts` fails when an
 * upgrade moves or reshapes any of them (before production does).
 */
export { BedrockRuntimeClient, ConverseCommand, Converse$, ConverseStream$, InvokeModel$ } from '@aws-sdk/client-bedrock-runtime';
export { recursionDetectionMiddleware, userAgentMiddleware } from '@aws-sdk/core/client';
export { DefaultIdentityProviderConfig } from '@smithy/core';
export { getEndpointFromInstructions, toEndpointV1 } from '@smithy/core/endpoints';
export { buildQueryString, HttpRequest, HttpResponse } from '@smithy/core/protocols';
export { getRetryAfterHint, INVOCATION_ID_HEADER, isServerError, isThrottlingError, isTransientError, REQUEST_HEADER } from '@smithy/core/retry';
export { operation } from '@smithy/core/schema';
export { SMITHY_CONTEXT_KEY } from '@smithy/types';

/** The package versions the parts above were read from and the differential test passed with. */
export const CHECKED_VERSIONS: Readonly<Record<string, string>> = {
  '@aws-sdk/client-bedrock-runtime': '3.1164.0',
  '@aws-sdk/core': '3.981.2',
  '@smithy/core': '3.41.1',
  '@smithy/signature-v4': '5.7.5',
  '@smithy/types': '4.20.0',
  undici: '6.29.1',
};
