import { DomainError } from '../../lambda/src/errors/domain-error';
import { GatewayError } from '../../lambda/src/http/errors';
import { fromDomainError } from '../../lambda/src/http/render-error';

/**
 * A thrown value as the client would see it: domain errors (what translators, the resolver and the media
 * fetcher raise) rendered by the HTTP boundary with the chat API's field names; anything else undefined.
 */
export function clientErrorOf(err: unknown): GatewayError | undefined {
  if (err instanceof DomainError) return fromDomainError(err);
  return err instanceof GatewayError ? err : undefined;
}
