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
 * {@code GET /admin/alerts}: the monitor's latest evaluation, as the monitor beside this gateway wrote
 * it to {@code platform.gateway.alertsFile}. The file is read at each request (its writer replaces it
 * atomically, so a read sees one whole evaluation) and served as it is; the gateway does not parse it.
 * 503 while no monitor runs or before its first evaluation.
 */
final class AlertsService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(AlertsService.class);
    /** Far above any real evaluation; a file this big is not the monitor's, and is not sent whole. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private final Path file;

    /** @param file the monitor's status file, or {@code null} when no monitor runs beside this gateway */
    AlertsService(Path file) {
        this.file = file;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (file == null) {
            return noMonitor("no monitor runs beside this gateway");
        }
        // File I/O blocks: not on the event loop.
        return HttpResponse.of(CompletableFuture.supplyAsync(this::read, ctx.blockingTaskExecutor()));
    }

    private HttpResponse read() {
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return noMonitor("the monitor has not written its first evaluation yet");
        } catch (IOException e) {
            LOG.warn("cannot read the monitor's status file {}: {}", file, e.toString());
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "alerts-unreadable",
                    "the monitor's status file cannot be read", List.of(), null).toHttpResponse();
        }
        if (content.length > MAX_BYTES) {
            LOG.warn("the monitor's status file {} is over {} bytes; not served", file, MAX_BYTES);
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "alerts-too-large",
                    "the monitor's status file is over " + MAX_BYTES + " bytes", List.of(), null).toHttpResponse();
        }
        // The state changes at every evaluation: a cached copy would show alerts that have resolved.
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store").build(), HttpData.wrap(content));
    }

    private static HttpResponse noMonitor(String detail) {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "no-monitor", detail, List.of(), null).toHttpResponse();
    }
}
