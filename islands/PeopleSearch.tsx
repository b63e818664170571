import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api } from "../lib/browser/api_client.ts";
import { PeopleFound } from "../lib/protocol/api.ts";
import { type Lang, t } from "../lib/i18n/mod.ts";
import { tn } from "../lib/i18n/plural.ts";
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";
import { Icon } from "../components/Icon.tsx";

interface Person {
  id: string;
  handle: string;
  displayName: string;
  verified: boolean;
}

/** Results as you type; the form still works without JavaScript (GET /people?q=). */
export default function PeopleSearch(
  { lang, initialQuery, initialResults, signedIn }: {
    lang: Lang;
    initialQuery: string;
    initialResults: Person[];
    signedIn: boolean;
  },
) {
  const q = useSignal(initialQuery);
  const results = useSignal<Person[]>(initialResults);
  const searching = useSignal(false);
  const seq = useRef(0);

  useEffect(() => {
    const query = q.value.trim();
    if (query === initialQuery.trim() && results.value === initialResults) return;
    const mine = ++seq.current;
    const timer = setTimeout(async () => {
      const url = new URL(location.href);
      if (!query) {
        searching.value = false;
        results.value = [];
        url.searchParams.delete("q");
        return void history.replaceState(null, "", url);
      }
      searching.value = true;
      const r = await api("GET", `/api/people?q=${encodeURIComponent(query)}`, PeopleFound);
      if (mine !== seq.current) return; // a newer keystroke won
      searching.value = false;
      if (r.ok) results.value = r.data.results;
      url.searchParams.set("q", query);
      history.replaceState(null, "", url);
    }, 120);
    return () => clearTimeout(timer);
  }, [q.value]);

  const query = q.value.trim();
  const input = useRef<HTMLInputElement>(null);
  function clear() {
    q.value = "";
    results.value = [];
    // The Clear button goes away with the empty state: the focus goes back to the field.
    input.current?.focus();
  }
  return (
    <div class="people-search">
      <form method="get" action="/people" role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="people-q" class="visually-hidden">{t(lang, "people.search_label")}</label>
        <span class="search-field">
          <Icon name="search" size={20} />
          <input
            id="people-q"
            ref={input}
            type="search"
            name="q"
            autocomplete="off"
            enterkeyhint="search"
            placeholder={t(lang, "people.search_placeholder")}
            value={q.value}
            onInput={(e) => (q.value = (e.target as HTMLInputElement).value)}
          />
        </span>
      </form>
      <div class="people-status" role="status" aria-live="polite">
        {searching.value
          ? <span class="visually-hidden">{t(lang, "people.searching")}</span>
          : query && results.value.length > 0
          ? <p class="muted">{tn(lang, "people.results", results.value.length)}</p>
          : query
          ? (
            <div class="empty">
              <Icon name="userSearch" />
              <p>{t(lang, "people.no_results", { q: query })}</p>
              <button type="button" class="button secondary" onClick={clear}>{t(lang, "people.clear")}</button>
            </div>
          )
          : null}
      </div>
      {searching.value && results.value.length === 0 && (
        <ul class="people" aria-hidden="true">
          {[0, 1, 2].map((i) => (
            <li key={i} class="person">
              <span class="skeleton skeleton-face" />
              <span class="skeleton skeleton-line" />
            </li>
          ))}
        </ul>
      )}
      {results.value.length > 0 && (
        <ul class="people" aria-label={t(lang, "people.results_label")}>
          {results.value.map((p) => (
            <li key={p.id}>
              <a href={`/@${p.handle}`} class="person">
                <Avatar id={p.id} name={p.displayName} size={44} />
                <span class="person-id">
                  <strong>{p.displayName}{p.verified && <VerifiedBadge label={t(lang, "profile.verified")} />}</strong>
                  <span class="muted">@{p.handle}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {!query && !signedIn && (
        <div class="empty">
          <Icon name="userSearch" />
          <p>{t(lang, "people.empty_start")}</p>
          <a class="button secondary" href="/signup">{t(lang, "nav.signup")}</a>
        </div>
      )}
    </div>
  );
}
