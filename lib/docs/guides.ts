// The guides shipped in docs/ that the console shows at /docs/<name>. A fixed list, so a URL can
// never steer the file read elsewhere. Free of fs and database imports: links are resolved in the
// browser bundle too.
export const GUIDES = {
  api: { title: "Admin API", summary: "Every admin API route with its parameters, answers and a curl example." },
  cli: { title: "Command line", summary: "npm run cli: console accounts, API tokens, servers, groups and VPN users." },
  hooks: { title: "Hook API", summary: "What VPN servers send to the console and what it answers." },
  openvpn: { title: "Wiring OpenVPN", summary: "Connect an OpenVPN 2.6 server to the console." },
  ocserv: { title: "Wiring ocserv", summary: "Connect an ocserv server to the console." },
  deploy: { title: "Deploying", summary: "One machine on SQLite or a fleet on PostgreSQL: backups, upgrades, monitoring." },
  development: { title: "Development", summary: "Repository layout, architecture, database workflow and tests." },
} as const;

export type GuideName = keyof typeof GUIDES;

export const GUIDE_NAMES = Object.keys(GUIDES) as GuideName[];

export const isGuide = (name: string): name is GuideName => Object.hasOwn(GUIDES, name);
