package dev.pfgm.shared.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API keys. A key is "pfgm_" + 32 random bytes in hex; only its SHA-256 is stored, with its first
 * 12 characters after the "pfgm_" as a public prefix for listing and revoking.
 */
public final class KeyStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Database db;

    public KeyStore(Database db) {
        this.db = db;
    }

    /** Who a key belongs to. */
    public record Principal(String tenant, boolean admin, String prefix) {
    }

    /** A key just made: the only moment the key itself is known. */
    public record NewKey(String key, String prefix, String tenant, boolean admin) {
    }

    public NewKey create(String tenant, boolean admin) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String secret = HexFormat.of().formatHex(b);
        String key = "pfgm_" + secret;
        String prefix = secret.substring(0, 12);
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (prefix, key_hash, tenant, admin)"
                    + " VALUES (?, ?, ?, ?)")) {
                ps.setString(1, prefix);
                ps.setString(2, hash(key));
                ps.setString(3, tenant);
                ps.setBoolean(4, admin);
                return ps.executeUpdate();
            }
        });
        return new NewKey(key, prefix, tenant, admin);
    }

    /** The admin key made on first start, when no key exists yet; empty otherwise. */
    public Optional<NewKey> createFirstAdminKey() {
        boolean any = db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM api_keys)");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
        return any ? Optional.empty() : Optional.of(create("admin", true));
    }

    /** What a key an operator supplies must look like: the service's own form, or as long and as random. */
    /** What a tenant name is: 1 to 64 of A-Z a-z 0-9 . _ - (the api_keys table's check). */
    public static final java.util.regex.Pattern TENANT = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static final java.util.regex.Pattern SUPPLIED = java.util.regex.Pattern.compile("pfgm_[A-Za-z0-9_-]{32,200}");

    /**
     * Makes {@code key} (an operator's, from the environment or a secret file) an admin key if it
     * is not known yet; a key once revoked stays revoked. True when this call created it.
     */
    public boolean ensureAdminKey(String key) {
        if (!SUPPLIED.matcher(key).matches()) {
            throw new IllegalArgumentException("the admin key must be 'pfgm_' and 32 to 200 letters, digits, '_' or"
                    + " '-' (e.g. pfgm_$(openssl rand -hex 32))");
        }
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (prefix, key_hash, tenant, admin)"
                    + " VALUES (?, ?, 'admin', true) ON CONFLICT DO NOTHING")) {
                ps.setString(1, key.substring(5, 17));
                ps.setString(2, hash(key));
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM api_keys WHERE key_hash = ?")) {
                ps.setString(1, hash(key));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("the admin key starts with the same 12 characters as another"
                                + " key; choose another");
                    }
                }
            }
            return false;
        });
    }

    public Optional<Principal> find(String key) {
        String h = hash(key);
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT tenant, admin, prefix FROM api_keys"
                    + " WHERE key_hash = ? AND revoked_at IS NULL")) {
                ps.setString(1, h);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Principal(rs.getString(1), rs.getBoolean(2), rs.getString(3)))
                            : Optional.empty();
                }
            }
        });
    }

    /** What a prefix can be: the key's 12 characters after "pfgm_" (those of the keys this store makes or takes). */
    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{12}");

    /**
     * Revokes the key with this prefix; false when there is no live key with it, or the text cannot be
     * a prefix (a NUL in it was the database's error, a 500 at the API).
     */
    public boolean revoke(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            return false;
        }
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = now()"
                    + " WHERE prefix = ? AND revoked_at IS NULL")) {
                ps.setString(1, prefix);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
