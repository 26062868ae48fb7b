import { Toast } from "@shopify/polaris";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import "@shopify/app-bridge-react";

/** Shows a short confirmation (or error) after a mutation, wherever the app is running. */
export type ShowToast = (message: string, options?: { isError?: boolean }) => void;

const ToastContext = createContext<ShowToast>(() => {});

/** The toast function of the surrounding shell (App Bridge in the admin, Polaris in demo mode). */
export function useToast(): ShowToast {
  return useContext(ToastContext);
}

/** Inside the Shopify admin: App Bridge draws the toast in the admin's own chrome. */
export function AppBridgeToastProvider({ children }: { children: ReactNode }) {
  const show = useCallback<ShowToast>((message, options) => {
    // Only ever called from event handlers and effects, where the App Bridge global exists.
    shopify.toast.show(message, { isError: options?.isError ?? false });
  }, []);
  return <ToastContext.Provider value={show}>{children}</ToastContext.Provider>;
}

/** Outside the admin (demo mode): a Polaris Toast, which must render inside a Polaris Frame. */
export function PolarisToastProvider({ children }: { children: ReactNode }) {
  const [toast, setToast] = useState<{ key: number; message: string; isError: boolean } | null>(null);
  const show = useCallback<ShowToast>((message, options) => {
    setToast({ key: Date.now(), message, isError: options?.isError ?? false });
  }, []);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      {toast ? (
        <Toast
          key={toast.key}
          content={toast.message}
          error={toast.isError}
          onDismiss={() => setToast(null)}
        />
      ) : null}
    </ToastContext.Provider>
  );
}
