package com.patientcrm.reports;

import com.patientcrm.platform.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads an uploaded PDF: at most {@code crm.reports.max-pdf-bytes} (413 beyond, told by {@code Content-Length} before
 * anything is read, or found while reading), and it must be a PDF by its content ({@code %PDF-}), not only by the
 * header the client sent (422 otherwise).
 */
@Component
class ReportPdfs {

    private static final byte[] MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);

    private final long maxBytes;

    ReportPdfs(ReportProperties properties) {
        this.maxBytes = properties.maxPdfBytes().toBytes();
    }

    Mono<byte[]> read(long contentLength, Flux<DataBuffer> body) {
        if (contentLength > maxBytes) {
            return Mono.error(tooLarge());
        }
        return DataBufferUtils.join(body, (int) Math.min(maxBytes, Integer.MAX_VALUE - 8))
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                .flatMap(bytes -> bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                        ? Mono.just(bytes)
                        : Mono.error(Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-pdf", "Not a PDF",
                                "The body is not a PDF document (it must start with %PDF-).")));
    }

    private RuntimeException tooLarge() {
        return Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large", "Payload too large",
                "A report's PDF may be at most " + maxBytes + " bytes.");
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
