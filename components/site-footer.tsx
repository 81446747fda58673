export function SiteFooter() {
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-8 text-sm text-slate-500 sm:flex-row sm:justify-between sm:px-6">
        <p>© {new Date().getFullYear()} CommunityOS. Paid memberships for Discord communities.</p>
        <p>Payments by Stripe · Roles by the CommunityOS bot</p>
      </div>
    </footer>
  );
}
