/**
 * The pages' CSP forbids eval (only the camera page's face detector gets it). zod would probe for it (`Function('')`)
 * to compile its object parsers, which the browser reports as a CSP violation each time; tell it not to try.
 */
import { z } from 'zod';

z.config({ jitless: true });
