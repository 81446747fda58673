# CommunityOS images, from the repository and the npm registry only.
#   docker build --target web -t communityos-web .      # Next's standalone server
#   docker build --target worker -t communityos-worker . # jobs, and the migrations (npm run db:migrate)
# Both run as the unprivileged `node` user. See docker-compose.yml and the README's
# "Production" section for the environment they need.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# The project's postinstall generates the Prisma client (no engine download).
RUN npm ci

FROM deps AS build
COPY . .
RUN NEXT_OUTPUT=standalone npm run build

# The web server: only what Next traced for the standalone server.
FROM node:20-bookworm-slim AS web
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-old-space-size=256", "server.js"]

# The job worker (and the migration runner): the source and its dependencies, run with tsx.
FROM deps AS worker
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --chown=node:node . .
RUN npx prisma generate && chown -R node:node /app
USER node
CMD ["node", "node_modules/tsx/dist/cli.mjs", "scripts/worker.ts"]
