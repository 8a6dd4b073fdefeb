import { registerMessages } from '../../platform/i18n/i18n.ts';

registerMessages({
  'zh-CN': {
    errors: {
      CUSTOMER_MERGE_SAME: '不能把客户与其自身合并',
      CUSTOMER_MERGE_UNKNOWN_FIELD: '“{{key}}”不是可合并的字段',
      CUSTOMER_MERGE_INVALID_SIDE: '“{{key}}”应选择 survivor 或 merged',
      CUSTOMER_MERGE_CUSTOMER_NOT_FOUND: '{{field}}不存在',
      CUSTOMER_ALREADY_MERGED: '{{field}}已被合并到另一位客户',
      CUSTOMER_MERGED: '该客户已被合并到另一位客户',
      CUSTOMER_MERGE_UNSUPPORTED: '该客户还有无法转移的关联数据（{{list}}），暂不能合并',
      CUSTOMER_MERGE_NOT_FOUND: '合并记录不存在',
      CUSTOMER_MERGE_ALREADY_UNDONE: '该合并已撤销',
      CUSTOMER_MERGE_UNDO_SURVIVOR_GONE: '保留的客户已被删除，无法撤销合并',
      CUSTOMER_MERGE_UNDO_LATER_MERGE: '保留的客户之后又被合并到其他客户，请先撤销那次合并',
      CUSTOMER_MERGE_UNDO_CONFLICT: '被合并客户的{{field}}现已属于其他客户，无法撤销合并',
      CUSTOMER_DUPLICATE_PAIR_NOT_FOUND: '疑似重复记录不存在',
      CUSTOMER_DUPLICATE_PAIR_DECIDED: '该疑似重复已处理（{{status}}）',
      CUSTOMER_DUPLICATE_COMPARE_SAME: '请选择两位不同的客户进行比较',
    },
    fields: {
      survivorId: '保留的客户',
      mergedId: '被合并的客户',
      a: '客户 A',
      b: '客户 B',
      autoRules: '自动合并规则',
    },
  },
  en: {
    errors: {
      CUSTOMER_MERGE_SAME: 'A customer cannot be merged with itself',
      CUSTOMER_MERGE_UNKNOWN_FIELD: '“{{key}}” is not a field a merge chooses',
      CUSTOMER_MERGE_INVALID_SIDE: 'Choose survivor or merged for “{{key}}”',
      CUSTOMER_MERGE_CUSTOMER_NOT_FOUND: 'The {{field}} was not found',
      CUSTOMER_ALREADY_MERGED: 'The {{field}} has already been merged into another customer',
      CUSTOMER_MERGED: 'This customer has been merged into another customer',
      CUSTOMER_MERGE_UNSUPPORTED:
        'This customer has related records that cannot be moved yet ({{list}}); it cannot be merged',
      CUSTOMER_MERGE_NOT_FOUND: 'The merge was not found',
      CUSTOMER_MERGE_ALREADY_UNDONE: 'This merge has already been undone',
      CUSTOMER_MERGE_UNDO_SURVIVOR_GONE: 'The surviving customer has been deleted; the merge cannot be undone',
      CUSTOMER_MERGE_UNDO_LATER_MERGE:
        'The surviving customer was later merged into another customer; undo that merge first',
      CUSTOMER_MERGE_UNDO_CONFLICT:
        'The merged customer’s {{field}} now belongs to another customer; the merge cannot be undone',
      CUSTOMER_DUPLICATE_PAIR_NOT_FOUND: 'The possible duplicate was not found',
      CUSTOMER_DUPLICATE_PAIR_DECIDED: 'This possible duplicate has already been decided ({{status}})',
      CUSTOMER_DUPLICATE_COMPARE_SAME: 'Choose two different customers to compare',
    },
    fields: {
      survivorId: 'surviving customer',
      mergedId: 'merged customer',
      a: 'customer A',
      b: 'customer B',
      autoRules: 'Automatic merge rules',
    },
  },
});
