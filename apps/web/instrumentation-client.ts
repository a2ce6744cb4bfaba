/**
 * Runs in the browser before any page code (Next.js instrumentation-client). The pages' CSP forbids eval (only the
 * camera page's face detector gets it); zod would probe for eval (`new Function('')`) when the protocol's schemas
 * are built, which the browser reports as a CSP violation. Tell zod not to try, before any schema exists.
 */
import { z } from 'zod';

z.config({ jitless: true });
