// Zod compiles object parsers with `new Function` unless told not to, and the console's
// Content-Security-Policy forbids eval: the browser bundle parses without compiling.
import { z } from "zod";

z.config({ jitless: true });
