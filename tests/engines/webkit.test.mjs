// The cross-engine browser checks (scenarios.mjs) in WebKit (Safari's engine).
import { engineTests } from './scenarios.mjs';

engineTests('webkit');
