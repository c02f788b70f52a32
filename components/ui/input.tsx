// Text inputs and textareas with the console's look; everything else is the native element.
import type { InputHTMLAttributes, TextareaHTMLAttributes } from "react";

export function Input({ className, ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...rest} className={["input", className ?? ""].filter(Boolean).join(" ")} />;
}

export function Textarea({ className, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea {...rest} className={["input", "textarea", className ?? ""].filter(Boolean).join(" ")} />;
}
