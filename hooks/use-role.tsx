"use client";
// Who is signed in, for client components: viewers get disabled change controls. The server
// refuses their changes anyway; this only keeps the UI honest.
import { createContext, useContext, type ReactNode } from "react";
import type { Role } from "@/lib/actor";

export interface SignedInAdmin {
  name: string;
  role: Role;
}

const RoleContext = createContext<SignedInAdmin>({ name: "", role: "viewer" });

export function RoleProvider({ admin, children }: { admin: SignedInAdmin; children: ReactNode }) {
  return <RoleContext.Provider value={admin}>{children}</RoleContext.Provider>;
}

export const useSignedInAdmin = () => useContext(RoleContext);

export const useRole = (): Role => useContext(RoleContext).role;

/** True when the signed-in account may change things. */
export const useCanChange = (): boolean => useContext(RoleContext).role === "admin";
