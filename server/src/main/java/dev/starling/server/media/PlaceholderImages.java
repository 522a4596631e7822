package dev.starling.server.media;

import dev.starling.server.RouteModule;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The default avatar and header images that Account entities point at when an account has none
 * ({@code /avatars/original/missing.png}, {@code /headers/original/missing.png}, as Mastodon names
 * them), drawn once at start-up so that clients show a picture instead of a broken link.
 */
public final class PlaceholderImages implements RouteModule {
    private final byte[] avatar = png(120, 120, true);
    private final byte[] header = png(600, 200, false);

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/avatars/original/missing.png", ctx -> ctx.contentType("image/png").header("Cache-Control", "public, max-age=86400").result(avatar));
        routes.get("/headers/original/missing.png", ctx -> ctx.contentType("image/png").header("Cache-Control", "public, max-age=86400").result(header));
    }

    private static byte[] png(int width, int height, boolean silhouette) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(0xD9, 0xE1, 0xE8));
            g.fillRect(0, 0, width, height);
            if (silhouette) {
                g.setColor(new Color(0x9B, 0xAE, 0xC8));
                g.fillOval(width * 3 / 10, height / 6, width * 4 / 10, height * 4 / 10);
                g.fillOval(width / 6, height * 6 / 10, width * 4 / 6, height * 6 / 10);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a placeholder PNG", e);
        }
        return out.toByteArray();
    }
}
