import { highlightSegments } from '../../../shared/text.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { SearchHit } from '../plan.types.ts';

function Highlighted({ text, terms }: { text: string; terms: string[] }) {
  return (
    <>{highlightSegments(text, terms).map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : s.text))}</>
  );
}

export interface SearchView {
  q: string;
  terms: string[];
  hits: SearchHit[] | null;
  error: string | null;
}

/** The search form (GET, works without script) and its results with the matches marked. */
export function SearchPage({ ctx, view }: { ctx: PageContext; view: SearchView }) {
  const { t } = ctx;
  const { q, terms, hits, error } = view;
  return (
    <Layout
      ctx={ctx}
      title={t('search.title')}
      error={error !== null}
      section="search"
      crumbs={[{ href: '/search', label: t('search.title') }]}
    >
      {error ? (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-h" tabIndex={-1}>
          <h2 id="error-summary-h">{t('search.errorSummary')}</h2>
          <ul>
            <li>
              <a href="#q">{error}</a>
            </li>
          </ul>
        </div>
      ) : null}
      <h1>{t('search.title')}</h1>
      <search>
        <form method="get" action="/search" class="search-form">
          <div class={`field${error ? ' field--error' : ''}`}>
            <label for="q">{t('search.label')}</label>
            <p class="hint" id="q-hint">
              {t('search.hint')}
            </p>
            {error ? (
              <p class="field-error" id="q-error">
                {error}
              </p>
            ) : null}
            <div class="search-form__row">
              <input
                type="search"
                id="q"
                name="q"
                value={q}
                aria-describedby={error ? 'q-hint q-error' : 'q-hint'}
                aria-invalid={error ? 'true' : undefined}
                autocomplete="off"
              />
              <button type="submit" class="button">
                {t('search.submit')}
              </button>
            </div>
          </div>
        </form>
      </search>
      {hits !== null ? (
        <section aria-labelledby="results-h">
          <h2 id="results-h">{t('search.results', { q, count: hits.length })}</h2>
          {hits.length === 0 ? (
            <p>{t('search.none', { q })}</p>
          ) : (
            <ol class="results">
              {hits.map((h) => (
                <li key={h.href + h.title}>
                  <h3>
                    <a href={h.href}>
                      <Highlighted text={h.title} terms={terms} />
                    </a>
                  </h3>
                  {h.context ? <p class="results__context">{h.context}</p> : null}
                  <p>
                    <Highlighted text={h.snippet} terms={terms} />
                  </p>
                </li>
              ))}
            </ol>
          )}
        </section>
      ) : null}
    </Layout>
  );
}
