package dev.lanyard.session;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Starting sessions in SQL, for {@link JdbcSessionStore}: a new session's row, a sign-in's or an API key's. */
class JdbcSessionStarts {
    private final JdbcClient jdbc;

    JdbcSessionStarts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void write(Session s, String tokenHash, boolean apiKey, boolean bearer) {
        jdbc.sql("""
                INSERT INTO sessions (id, token_hash, account_id, name, app_type, remember_me, verified, alerts,
                    user_agent, browser, browser_version, os, os_version, device_type, device_model, ip, city, region,
                    country, country_code, isp, latitude, longitude, local_network, created_at, last_active_at,
                    idle_timeout_ms, expires_at, sign_ins, requests, pages, last_page, api_key, bearer)
                VALUES (:id, :hash, :account, :name, :app, :remember, :verified, :alerts, :ua, :browser, :browserVersion,
                    :os, :osVersion, :type, :model, :ip, :city, :region, :country, :cc, :isp, :lat, :lon, :local,
                    :created, :lastActive, :idle, :expires, :signIns, :requests, :pages, :lastPage, :apiKey, :bearer)
                """)
                .param("apiKey", apiKey)
                .param("bearer", bearer)
                .param("id", s.id().value())
                .param("hash", tokenHash)
                .param("account", s.account().value())
                .param("name", s.name())
                .param("app", s.appType().name())
                .param("remember", s.rememberMe())
                .param("verified", s.verified())
                .param("alerts", s.alerts())
                .param("ua", s.userAgent())
                .param("browser", s.device().browser())
                .param("browserVersion", s.device().browserVersion())
                .param("os", s.device().os())
                .param("osVersion", s.device().osVersion())
                .param("type", s.device().type().name())
                .param("model", s.device().model())
                .param("ip", s.ip())
                .param("city", s.location().city())
                .param("region", s.location().region())
                .param("country", s.location().country())
                .param("cc", s.location().countryCode())
                .param("isp", s.location().isp())
                .param("lat", s.location().latitude().orElse(null), java.sql.Types.DOUBLE)
                .param("lon", s.location().longitude().orElse(null), java.sql.Types.DOUBLE)
                .param("local", s.location().localNetwork())
                .param("created", s.createdAt().toEpochMilli())
                .param("lastActive", s.lastActiveAt().toEpochMilli())
                .param("idle", s.idleTimeout().toMillis())
                .param("expires", s.expiresAt().toEpochMilli())
                .param("signIns", s.activity().signIns())
                .param("requests", s.activity().requests())
                .param("pages", s.activity().pages())
                .param("lastPage", s.activity().lastPage())
                .update();
    }
}
