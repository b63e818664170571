import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api } from "../lib/api_client.ts";
import { type Lang, t } from "../lib/i18n/mod.ts";
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";

interface Person {
  id: string;
  handle: string;
  displayName: string;
  verified: boolean;
}

/** Results as you type; the form still works without JavaScript (GET /people?q=). */
export default function PeopleSearch(
  { lang, initialQuery, initialResults }: { lang: Lang; initialQuery: string; initialResults: Person[]; signedIn: boolean },
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
      if (!query) return void (results.value = []);
      searching.value = true;
      const r = await api<{ results: Person[] }>("GET", `/api/people?q=${encodeURIComponent(query)}`);
      if (mine !== seq.current) return; // a newer keystroke won
      searching.value = false;
      if (r.ok) results.value = r.data.results;
      const url = new URL(location.href);
      url.searchParams.set("q", query);
      history.replaceState(null, "", url);
    }, 120);
    return () => clearTimeout(timer);
  }, [q.value]);

  const query = q.value.trim();
  return (
    <div class="stack">
      <form method="get" action="/people" role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="people-q">{t(lang, "people.search_label")}</label>
        <input
          id="people-q"
          type="search"
          name="q"
          autocomplete="off"
          placeholder={t(lang, "people.search_placeholder")}
          value={q.value}
          onInput={(e) => (q.value = (e.target as HTMLInputElement).value)}
        />
      </form>
      <p class="muted" role="status" aria-live="polite">
        {searching.value ? "…" : query
          ? (results.value.length ? t(lang, "people.results", { n: results.value.length }) : t(lang, "people.no_results", { q: query }))
          : ""}
      </p>
      <ul class="people" aria-label={t(lang, "people.results_label")}>
        {results.value.map((p) => (
          <li key={p.id}>
            <a href={`/@${p.handle}`} class="person">
              <Avatar id={p.id} name={p.displayName} size={40} />
              <span>
                <strong>{p.displayName}</strong>
                {p.verified && <VerifiedBadge label={t(lang, "profile.verified")} />}{" "}
                <span class="muted">@{p.handle}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
