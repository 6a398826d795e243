package com.nextleveltraders.gateway;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.edge.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON file that a process beside this gateway keeps writing, served as it is on the admin port:
 * {@code GET /admin/alerts} is the monitor's latest evaluation ({@code platform.gateway.alertsFile}),
 * {@code GET /admin/fleet} the launcher's view of the fleet ({@code platform.gateway.fleetFile}). The
 * file is read at each request (its writer replaces it atomically, so a read sees one whole state) and
 * sent with {@code no-store}; the gateway does not parse it. 503 problem {@code no-<writer>} while no
 * such process runs or before its first write.
 */
final class StatusFileService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(StatusFileService.class);
    /** Far above any real state; a file this big is not its writer's, and is not sent whole. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    /**
     * Who writes a file and how its absence is told.
     *
     * @param name      what the file holds, as problem types name it ({@code alerts}: {@code alerts-unreadable})
     * @param writer    the process that writes it ({@code monitor}: the problem {@code no-monitor})
     * @param file      the file as a sentence names it ("the monitor's status file")
     * @param firstWrite what has not happened yet while the file is missing
     */
    record Source(String name, String writer, String file, String firstWrite) {
    }

    static final Source ALERTS = new Source("alerts", "monitor", "the monitor's status file",
            "the monitor has not written its first evaluation yet");
    static final Source FLEET = new Source("fleet", "launcher", "the launcher's fleet file",
            "the launcher has not written the fleet yet");

    private final Path file;
    private final Source source;

    /** @param file the file, or {@code null} when its writer does not run beside this gateway */
    StatusFileService(Path file, Source source) {
        this.file = file;
        this.source = source;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (file == null) {
            return absent("no " + source.writer() + " runs beside this gateway");
        }
        // File I/O blocks: not on the event loop.
        return HttpResponse.of(CompletableFuture.supplyAsync(this::read, ctx.blockingTaskExecutor()));
    }

    private HttpResponse read() {
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return absent(source.firstWrite());
        } catch (IOException e) {
            LOG.warn("cannot read {} {}: {}", source.file(), file, e.toString());
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, source.name() + "-unreadable",
                    source.file() + " cannot be read", List.of(), null).toHttpResponse();
        }
        if (content.length > MAX_BYTES) {
            LOG.warn("{} {} is over {} bytes; not served", source.file(), file, MAX_BYTES);
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, source.name() + "-too-large",
                    source.file() + " is over " + MAX_BYTES + " bytes", List.of(), null).toHttpResponse();
        }
        // The state changes at every write: a cached copy would show what is over (alerts resolved, instances gone).
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store").build(), HttpData.wrap(content));
    }

    private HttpResponse absent(String detail) {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "no-" + source.writer(), detail, List.of(), null)
                .toHttpResponse();
    }
}
