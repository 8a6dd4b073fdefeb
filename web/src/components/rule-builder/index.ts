export { RuleBuilder } from './RuleBuilder';
export { useRuleFields } from './api';
export * from './model';
