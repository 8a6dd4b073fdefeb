import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskAddress, maskEmail, maskIdNumber, maskMobile, maskName } from './masking.ts';

function table(fn: (v: string) => string, cases: [string, string][]) {
  for (const [input, expected] of cases) assert.equal(fn(input), expected, `${input}`);
}

describe('masking', () => {
  it('masks mobiles, Chinese and international', () => {
    table(maskMobile, [
      ['13812341234', '138****1234'],
      [' 138 1234 1234 ', '138****1234'],
      ['+8613812341234', '+86 138****1234'],
      ['+86 138-1234-1234', '+86 138****1234'],
      ['008613812341234', '+86 138****1234'],
      ['+1 (415) 555-2671', '+1 415****2671'],
      ['+852 9123 4567', '+852 ****4567'],
      ['+44 7911 123456', '+44 791****3456'],
      ['12345', '****'],
      ['', ''],
    ]);
  });

  it('masks emails keeping the first character and the domain', () => {
    table(maskEmail, [
      ['zhangsan@example.com', 'z***@example.com'],
      ['a@b.cn', 'a***@b.cn'],
      ['王芳@例子.中国', '王***@例子.中国'],
      ['not-an-email', 'n***'],
      ['', ''],
    ]);
  });

  it('masks ID numbers keeping region and last four', () => {
    table(maskIdNumber, [
      ['110101199003071234', '110101********1234'],
      ['11010119900307123X', '110101********123X'],
      ['110101900307123', '110101*****7123'],
      ['E12345678', '*****5678'],
      ['1234', '****'],
      ['', ''],
    ]);
  });

  it('masks Chinese and Latin names', () => {
    table(maskName, [
      ['张三', '张*'],
      ['张三丰', '张**'],
      ['欧阳娜娜', '欧阳**'],
      ['欧阳锋', '欧阳*'],
      ['司马光', '司马*'],
      ['欧阳', '欧*'],
      ['张', '*'],
      ['John Smith', 'J*** Smith'],
      ['John Ronald Smith', 'J*** R*** Smith'],
      ['Madonna', 'M***'],
      ['', ''],
    ]);
  });

  it('masks addresses keeping province and city', () => {
    table(maskAddress, [
      ['广东省深圳市南山区科技园路1号', '广东省深圳市****'],
      ['浙江省杭州市西湖区文三路100号', '浙江省杭州市****'],
      ['北京市朝阳区建国路88号', '北京市****'],
      ['上海市浦东新区世纪大道1号', '上海市****'],
      ['新疆维吾尔自治区乌鲁木齐市天山区1号', '新疆维吾尔自治区乌鲁木齐市****'],
      ['四川省凉山彝族自治州西昌市1号', '四川省凉山彝族自治州****'],
      ['1 Infinite Loop, Cupertino, CA 95014', '****, Cupertino, CA 95014'],
      ['somewhere', '****'],
      ['', ''],
    ]);
  });
});
