// The ranges of the traffic charts, free of database imports so the browser bundle can use them.
export const TRAFFIC_RANGES = { "1h": 3600, "24h": 86_400, "7d": 604_800 } as const;
export type TrafficRange = keyof typeof TRAFFIC_RANGES;
export const TRAFFIC_RANGE_KEYS = Object.keys(TRAFFIC_RANGES) as [TrafficRange, ...TrafficRange[]];
