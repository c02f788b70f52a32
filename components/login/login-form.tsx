"use client";
// The sign-in form. A failure reads the same for every username, so it does not reveal which
// exist: a wrong password, or too many failures of that name or this browser's address.
import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SIGN_IN_LOCKED_OUT } from "@/lib/sign-in-errors";

/** Only paths on this console: an attacker's link must not bounce a fresh session elsewhere. */
function safeCallback(raw: string | null): string {
  if (!raw) return "/";
  try {
    const url = new URL(raw, window.location.origin);
    return url.origin === window.location.origin ? `${url.pathname}${url.search}${url.hash}` : "/";
  } catch {
    return "/";
  }
}

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [failure, setFailure] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setFailure(null);
    let ok = false;
    try {
      const result = await signIn("credentials", { redirect: false, username, password });
      ok = Boolean(result?.ok && !result.error);
      if (!ok) setFailure(result?.error === SIGN_IN_LOCKED_OUT ? "Too many failed sign-ins. Try again later." : "Wrong username or password.");
    } catch {
      setFailure("The console could not be reached. Try again.");
    }
    if (!ok) {
      setPending(false);
      return;
    }
    router.replace(safeCallback(params.get("callbackUrl")));
    router.refresh();
  };

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      {failure ? <Alert>{failure}</Alert> : null}
      <Field label="Username">
        {(control) => (
          <Input
            {...control}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            autoFocus
          />
        )}
      </Field>
      <Field label="Password">
        {(control) => (
          <Input
            {...control}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        )}
      </Field>
      <Button type="submit" variant="primary" loading={pending}>
        Sign in
      </Button>
    </form>
  );
}
