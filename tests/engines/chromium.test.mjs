// The cross-engine browser checks (scenarios.mjs) in Chromium.
import { engineTests } from './scenarios.mjs';

engineTests('chromium');
