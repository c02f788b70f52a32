"use client";
// "Look up a user": opens the effective policy of any VPN user, with their usernames suggested
// as the admin types.
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { SEARCH_DEBOUNCE_MS } from "@/components/ui/search-input";
import { vpnUserQueries } from "@/lib/client/query-keys";
import styles from "./policies.module.css";

const SUGGESTIONS = 20;

export function UserLookup() {
  const router = useRouter();
  const id = useId();
  const [name, setName] = useState("");
  const [query, setQuery] = useState("");

  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(name.trim()), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [name]);

  const suggestions = useQuery({
    ...vpnUserQueries.list({ q: query, sort: "username", dir: "asc", page: 1, pageSize: SUGGESTIONS }),
    enabled: query !== "",
    placeholderData: (previous) => previous,
  });

  const open = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const username = name.trim();
    if (username) router.push(`/policies/users/${encodeURIComponent(username)}`);
  };

  return (
    <form className={styles.lookup} onSubmit={open} role="search">
      <div className="field">
        <label className="label" htmlFor={`${id}-user`}>
          Look up a user
        </label>
        <Input
          id={`${id}-user`}
          value={name}
          onChange={(event) => setName(event.target.value)}
          list={`${id}-users`}
          placeholder="Username"
          autoComplete="off"
          spellCheck={false}
        />
        <datalist id={`${id}-users`}>
          {suggestions.data?.users.map((user) => (
            <option key={user.id} value={user.username} />
          ))}
        </datalist>
      </div>
      <Button type="submit" disabled={name.trim() === ""}>
        Show effective policy
      </Button>
    </form>
  );
}
