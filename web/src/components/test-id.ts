import type { ButtonProps } from 'antd';

/** Button props (for modals' OK buttons) that carry a data-testid for the browser tests. */
export function buttonWithTestId(id: string, props: ButtonProps = {}): ButtonProps {
  return { ...props, 'data-testid': id } as ButtonProps;
}
