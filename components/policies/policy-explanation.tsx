// A user's effective policy in plain sentences: what it means for their sessions.
import { Card } from "@/components/ui/card";

export function PolicyExplanation({ username, sentences, editing }: { username: string; sentences: string[]; editing: boolean }) {
  return (
    <Card
      title={`What this means for ${username}'s sessions`}
      description={editing ? "With the unsaved changes above." : "With the policy as saved."}
    >
      <ul className="prose">
        {sentences.map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
    </Card>
  );
}
