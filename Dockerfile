# ZANTARA's server image: Node 24 runs the TypeScript sources directly (no build step); production dependencies
# only, installed from the lockfile; runs as the unprivileged `node` user. See compose.yaml for PostgreSQL and Redis.
FROM node:24-bookworm-slim

ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0 ZANTARA_DATA_DIR=/app/data
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY knowledge ./knowledge
COPY evals ./evals
# The embedded database (used when DATABASE_URL is unset) lives in a volume the node user owns.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]

USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/main.ts"]
