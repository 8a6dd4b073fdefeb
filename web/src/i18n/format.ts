import { useTranslation } from 'react-i18next';
import { useBusiness } from '../app/business';

/** Number, money and date formatting in the reader's language and the business's time zone. */
export function makeFormat(language: string, timeZone: string) {
  const numberFmt = new Intl.NumberFormat(language);
  const percentFmt = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 });
  // ¥1,234.50 in every language (en would otherwise say CN¥)
  const moneyFmt = new Intl.NumberFormat(language, {
    style: 'currency',
    currency: 'CNY',
    currencyDisplay: 'narrowSymbol',
  });
  const dateTimeFmt = new Intl.DateTimeFormat(language, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  const dateFmt = new Intl.DateTimeFormat(language, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const relative = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const toDate = (v: string | number | Date) => (v instanceof Date ? v : new Date(v));
  return {
    timeZone,
    number: (n: number) => numberFmt.format(n),
    percent: (n: number) => percentFmt.format(n),
    /** Money arrives as a decimal string (or integer fen elsewhere); never a float sum. */
    money: (amount: string | number) => moneyFmt.format(Number(amount)),
    dateTime: (v: string | number | Date | null | undefined) => (v == null ? '—' : dateTimeFmt.format(toDate(v))),
    date: (v: string | number | Date | null | undefined) => (v == null ? '—' : dateFmt.format(toDate(v))),
    ago: (v: string | number | Date | null | undefined) => {
      if (v == null) return '—';
      const seconds = Math.round((toDate(v).getTime() - Date.now()) / 1000);
      const abs = Math.abs(seconds);
      if (abs < 60) return relative.format(seconds, 'second');
      if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
      if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
      return relative.format(Math.round(seconds / 86400), 'day');
    },
  };
}

export type Format = ReturnType<typeof makeFormat>;

export function useFormat(): Format {
  const { i18n } = useTranslation();
  const { timeZone } = useBusiness();
  return makeFormat(i18n.language, timeZone);
}
