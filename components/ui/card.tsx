// A surface that groups related content, with an optional heading row. A titled card is a
// region named by its title, so assistive technology can list and jump to it.
import { useId, type ReactNode } from "react";

export interface CardProps {
  title?: string;
  description?: ReactNode;
  actions?: ReactNode;
  headingLevel?: 2 | 3;
  children: ReactNode;
  className?: string;
}

export function Card({ title, description, actions, headingLevel = 2, children, className }: CardProps) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const titleId = useId();
  return (
    <section
      className={["card", className ?? ""].filter(Boolean).join(" ")}
      aria-labelledby={title ? titleId : undefined}
    >
      {title || actions ? (
        <div className="card-header">
          <div>
            {title ? (
              <Heading id={titleId} className="card-title">
                {title}
              </Heading>
            ) : null}
            {description ? <p className="card-description">{description}</p> : null}
          </div>
          {actions ? <div className="card-actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}
