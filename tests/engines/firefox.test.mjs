// The cross-engine browser checks (scenarios.mjs) in Firefox (ESR).
import { engineTests } from './scenarios.mjs';

engineTests('firefox');
