// Admin sign-in (next-auth credentials, JWT sessions) and resolving who is calling the admin API.
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Actor, Role } from "./actor";
import { findAdminById, signInAdmin } from "./admins";
import { db } from "./db";
import { CLIENT_IP_HEADER } from "./http/client-ip";
import { SIGN_IN_LOCKED_OUT } from "./sign-in-errors";

declare module "next-auth" {
  interface Session {
    admin: { id: string; username: string; role: Role };
  }
  interface User {
    role: Role;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    adminId?: string;
    role?: Role;
  }
}

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Console account",
      credentials: {
        username: { label: "Username", type: "text" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, request) {
        const username = credentials?.username?.trim() ?? "";
        const password = credentials?.password ?? "";
        if (!username || !password || username.length > 64 || password.length > 256) return null;
        const clientIp = request.headers?.[CLIENT_IP_HEADER];
        const admin = await signInAdmin(db, { username, password, clientIp: typeof clientIp === "string" ? clientIp : "unknown" });
        // next-auth hands a thrown error's message to the form as the sign-in's error.
        if (admin === "refused") throw new Error(SIGN_IN_LOCKED_OUT);
        return admin ? { id: admin.id, name: admin.username, role: admin.role } : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.adminId = user.id;
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      session.admin = { id: token.adminId ?? "", username: token.name ?? "", role: token.role ?? "viewer" };
      return session;
    },
  },
};

/**
 * The signed-in admin as an actor, re-read from the database so that a deleted admin or a
 * changed role takes effect at once rather than when the cookie expires.
 */
export async function currentAdmin(): Promise<Actor | null> {
  const session = await getServerSession(authOptions);
  if (!session?.admin.id) return null;
  const admin = await findAdminById(db, session.admin.id);
  return admin ? { type: "admin", id: admin.id, name: admin.username, role: admin.role } : null;
}
