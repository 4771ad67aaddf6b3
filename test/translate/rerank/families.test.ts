import { RERANK_MODEL_TABLE, rerankRulesFor } from '../../../lambda/src/models/capabilities';
import { documentTexts } from '../../../lambda/src/translate/rerank/common';
import { RERANK_FAMILIES } from '../../../lambda/src/translate/rerank/families';
import { searchUnits, toRerankResponse } from '../../../lambda/src/translate/rerank/response';
import { clientErrorOf } from '../../support/client-error';

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return clientErrorOf(err);
  }
  throw new Error('did not throw');
}

const COHERE = rerankRulesFor('cohere.rerank-v3-5:0')!;

describe('rerankRulesFor', () => {
  it.each([
    ['cohere.rerank-v3-5:0', 'cohere-rerank'],
    ['arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0', 'amazon-rerank'],
    ['cohere.embed-v4:0', undefined],
  ])('%s → %s', (id, family) => expect(rerankRulesFor(id)?.family).toBe(family));

  it('every family in the table has a translator', () => {
    for (const row of RERANK_MODEL_TABLE) expect(RERANK_FAMILIES[row.rules.family]).toBeDefined();
  });
});

describe('documents', () => {
  it('takes strings and {text} objects', () => expect(documentTexts(['a', { text: 'b', id: 3 }], COHERE)).toEqual(['a', 'b']));
  it.each([
    [[], 'documents'],
    [new Array(1001).fill('x'), 'documents'],
    [['a', 7], 'documents[1]'],
    [[{ title: 'a' }], 'documents[0]'],
  ])('%# is a 400 naming %s', (docs, param) => expect(thrown(() => documentTexts(docs, COHERE))).toMatchObject({ status: 400, param }));
});

describe('bodies and answers', () => {
  it('Cohere always sends api_version 2; Amazon never does', () => {
    expect(RERANK_FAMILIES['cohere-rerank'].request('q', ['a'], { topN: 1, maxTokensPerDoc: 9 })).toEqual({ query: 'q', documents: ['a'], top_n: 1, max_tokens_per_doc: 9, api_version: 2 });
    expect(RERANK_FAMILIES['amazon-rerank'].request('q', ['a'], {})).toEqual({ query: 'q', documents: ['a'] });
  });

  it.each([
    [{ results: [{ index: 2, relevance_score: 0.1 }] }],
    [{ results: [{ index: 0, relevance_score: '0.1' }] }],
    [{ results: [{ index: -1, relevance_score: 0.1 }] }],
    [{ results: 'none' }],
    [[]],
  ])('%j is a 502', (body) => expect(thrown(() => RERANK_FAMILIES['amazon-rerank'].parse(body, 2))).toMatchObject({ status: 502 }));

  it('the answer is sorted by score (ties by index), cut to top_n, documents echoed when asked', () => {
    const parsed = { id: 'up', scores: [{ index: 0, score: 0.2 }, { index: 2, score: 0.9 }, { index: 1, score: 0.2 }] };
    expect(toRerankResponse(parsed, ['a', 'b', 'c'], { topN: 2, returnDocuments: true, id: 'local', searchUnits: 1 })).toEqual({
      id: 'up',
      results: [
        { index: 2, relevance_score: 0.9, document: { text: 'c' } },
        { index: 0, relevance_score: 0.2, document: { text: 'a' } },
      ],
      meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } },
    });
    expect(toRerankResponse({ scores: [] }, [], { returnDocuments: false, id: 'local', searchUnits: 1 }).id).toBe('local');
  });

  it.each([
    [1, 1],
    [100, 1],
    [101, 2],
    [1000, 10],
  ])('%i documents are %i search units', (docs, units) => expect(searchUnits(docs, 100)).toBe(units));
});
