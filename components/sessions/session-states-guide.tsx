// The life of a session, for the empty Sessions page: what each state means and the two ways
// an admin ends a session.
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { SESSION_STATES } from "@/lib/sessions/states";
import { SESSION_STATE_INFO } from "./session-states";

export function SessionStatesGuide() {
  return (
    <>
      <Card title="Session states" description="pending → active ⇄ dormant, then expired, revoked or ended.">
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Meaning</th>
              </tr>
            </thead>
            <tbody>
              {SESSION_STATES.map((state) => (
                <tr key={state}>
                  <td>
                    <Badge tone={SESSION_STATE_INFO[state].tone}>{state}</Badge>
                  </td>
                  <td className="wrap">{SESSION_STATE_INFO[state].meaning}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title="Two ways to end a session" description="Kept distinct everywhere in the console.">
        <div className="prose">
          <p>
            <strong>Disconnect</strong> ends the tunnels. The client may reconnect silently with its token.
          </p>
          <p>
            <strong>Invalidate</strong> ends the tunnels and revokes the token: the next reconnect asks for credentials,
            on every server.
          </p>
        </div>
      </Card>
    </>
  );
}
