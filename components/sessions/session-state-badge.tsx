// A session's state as a badge; an unknown state (a newer server) still shows its name.
import { Badge } from "@/components/ui/badge";
import { isSessionState, SESSION_STATE_INFO } from "./session-states";

export function SessionStateBadge({ state }: { state: string }) {
  if (!isSessionState(state)) return <Badge>{state}</Badge>;
  const info = SESSION_STATE_INFO[state];
  return (
    <Badge tone={info.tone} title={info.meaning}>
      {state}
    </Badge>
  );
}
