// A believable catalogue for a consumer brand that sells online and in its own stores.
// Prices are in integer fen (1 yuan = 100 fen); money is never a float here.

export type CatalogueRow = readonly [name: string, minFen: number, maxFen: number];

export const categories: readonly { code: string; name: string; nameEn: string; weight: number; items: readonly CatalogueRow[] }[] = [
  {
    code: 'skincare', name: '护肤', nameEn: 'Skincare', weight: 22,
    items: [['保湿精华液 30ml', 19900, 39900], ['修护面霜 50g', 25900, 49900], ['氨基酸洁面乳 120g', 5900, 9900], ['补水面膜 10片装', 7900, 12900], ['防晒乳 SPF50+', 12900, 19900], ['眼霜 15g', 29900, 59900], ['爽肤水 200ml', 9900, 16900]],
  },
  {
    code: 'makeup', name: '彩妆', nameEn: 'Makeup', weight: 14,
    items: [['丝绒口红', 13900, 32000], ['气垫粉底', 18900, 42000], ['眼影盘', 15900, 39900], ['眉笔', 3900, 8900], ['定妆散粉', 11900, 25900]],
  },
  {
    code: 'apparel', name: '服饰', nameEn: 'Apparel', weight: 18,
    items: [['纯棉T恤', 7900, 19900], ['羊毛针织衫', 39900, 89900], ['轻薄羽绒服', 49900, 129900], ['休闲牛仔裤', 19900, 39900], ['连衣裙', 29900, 69900], ['运动卫衣', 19900, 35900]],
  },
  {
    code: 'shoes_bags', name: '鞋包', nameEn: 'Shoes & bags', weight: 9,
    items: [['跑步鞋', 39900, 89900], ['帆布鞋', 15900, 29900], ['真皮托特包', 69900, 199900], ['双肩包', 19900, 49900]],
  },
  {
    code: 'food', name: '食品饮料', nameEn: 'Food & drink', weight: 16,
    items: [['每日坚果 30袋', 9900, 15900], ['挂耳咖啡 20包', 5900, 9900], ['铁观音礼盒', 19900, 59900], ['手工月饼礼盒', 12800, 39800], ['燕麦片 1kg', 3900, 6900], ['新年零食大礼包', 9900, 19900]],
  },
  {
    code: 'baby', name: '母婴', nameEn: 'Mother & baby', weight: 8,
    items: [['婴儿纸尿裤', 9900, 19900], ['宝宝洗护套装', 12900, 22900], ['儿童保温杯', 7900, 15900]],
  },
  {
    code: 'home', name: '家居', nameEn: 'Home', weight: 8,
    items: [['四件套床品', 29900, 79900], ['香薰蜡烛', 6900, 15900], ['乳胶枕', 19900, 39900], ['保温杯 500ml', 8900, 19900]],
  },
  {
    code: 'digital', name: '数码配件', nameEn: 'Gadgets', weight: 5,
    items: [['无线蓝牙耳机', 29900, 99900], ['充电宝 20000mAh', 12900, 24900], ['手机壳', 3900, 9900]],
  },
];
