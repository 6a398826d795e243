package com.nextleveltraders.cli.browser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The trader app (index.html, web/src/app) as a user sees it. Every selector the tests use for this page is
 * here, so that a change of the page changes this class only.
 */
public final class TraderPage {

    // LoginForm: field ids are `${mode}-${field}`, mode `login` or `signup`.
    private static final By SIGN_UP_SWITCH = By.id("auth-switch");
    private static final By FIELD_ERRORS = By.cssSelector("form .field-error");
    // The header once signed in.
    private static final By SIGNED_IN_AS = By.id("signed-in-user");
    private static final By SIGN_OUT = By.id("sign-out");
    // The order ticket.
    private static final By ORDER_RESULT = By.id("order-result");
    private static final By ORDER_SUBMIT = By.id("order-submit");
    // Open orders, history, portfolio.
    private static final By OPEN_ORDER_ROWS = By.cssSelector("#open-orders tr[data-order-id]");
    private static final By TRADE_ROWS = By.cssSelector("#trades-history tbody tr");
    // QuotesBoard.
    private static final By QUOTE_ROWS = By.cssSelector("section[aria-labelledby='quotes-title'] tbody tr");
    private static final By QUOTE_SYMBOL = By.cssSelector("th");
    private static final By PRICE_CHART = By.cssSelector("section[aria-labelledby='quotes-title'] canvas");

    private final Browser browser;
    private final String url;

    private TraderPage(Browser browser, String url) {
        this.browser = browser;
        this.url = url;
    }

    /** Opens the app at {@code origin}/ and waits for its first render (the sign-in form). */
    public static TraderPage open(Browser browser, String origin) {
        TraderPage page = new TraderPage(browser, origin + "/");
        browser.open(page.url);
        browser.waitFor(field("login", "email"));
        return page;
    }

    /** Creates an account through the form; the app signs the new user in. */
    public TraderPage signUp(String email, String displayName, String password) {
        browser.click(SIGN_UP_SWITCH);
        browser.type(field("signup", "email"), email);
        browser.type(field("signup", "displayName"), displayName);
        browser.type(field("signup", "password"), password);
        browser.click(By.id("signup-submit"));
        return awaitSignedIn(email);
    }

    /** Logs in through the form. */
    public TraderPage logIn(String email, String password) {
        browser.type(field("login", "email"), email);
        browser.type(field("login", "password"), password);
        browser.click(By.id("login-submit"));
        return awaitSignedIn(email);
    }

    /** Signs out from the header; the sign-in form comes back. */
    public TraderPage signOut() {
        browser.click(SIGN_OUT);
        browser.waitFor(field("login", "email"));
        return this;
    }

    private TraderPage awaitSignedIn(String email) {
        try {
            browser.waitForText(SIGNED_IN_AS, email);
        } catch (RuntimeException e) {
            List<String> errors = browser.driver().findElements(FIELD_ERRORS).stream().map(WebElement::getText).toList();
            throw new AssertionError("not signed in as " + email + "; the form says " + errors, e);
        }
        return this;
    }

    /** The symbols on the quotes board, once it shows at least one quote. */
    public List<String> quotedSymbols() {
        return browser.waitForAtLeast(QUOTE_ROWS, 1).stream()
                .map(row -> row.findElement(QUOTE_SYMBOL).getText().strip())
                .toList();
    }

    /** Waits for the chosen symbol's price chart (uPlot draws it once two quotes have arrived). */
    public TraderPage awaitPriceChart() {
        browser.waitFor(PRICE_CHART);
        return this;
    }

    /** Opens a section from the navigation: quotes, trade, orders, history or portfolio. */
    public TraderPage goTo(String section) {
        browser.click(By.id("nav-" + section));
        browser.waitFor(By.id(section.equals("orders") ? "open-orders-title" : section.equals("trade") ? "ticket-title"
                : section + "-title"));
        return this;
    }

    /**
     * Fills the order ticket and sends it; returns the success line, or fails with what the form says instead.
     *
     * @param limitPrice {@code null} for a MARKET order
     */
    public String placeOrder(String symbol, String side, String quantity, String limitPrice) {
        sendOrder(symbol, side, quantity, limitPrice);
        try {
            return browser.waitFor(ORDER_RESULT).getText();
        } catch (RuntimeException e) {
            throw new AssertionError("no order placed; the form says " + formErrors(), e);
        }
    }

    /** Sends an order the platform refuses; returns the message shown next to {@code field}. */
    public String refusedOrder(String symbol, String side, String quantity, String field) {
        sendOrder(symbol, side, quantity, null);
        return browser.waitFor(By.id("order-" + field + "-error")).getText();
    }

    private void sendOrder(String symbol, String side, String quantity, String limitPrice) {
        goTo("trade");
        // The symbols come with the first quotes.
        Select symbols = new WebDriverWait(browser.driver(), Browser.WAIT).until(d -> {
            Select select = new Select(d.findElement(By.id("order-symbol")));
            return select.getOptions().stream().anyMatch(o -> symbol.equals(o.getText().strip())) ? select : null;
        });
        // By text: the page sets each option's value as a DOM property, which Select's by-value lookup does not see.
        symbols.selectByVisibleText(symbol);
        new Select(browser.waitFor(By.id("order-side"))).selectByVisibleText(side);
        new Select(browser.waitFor(By.id("order-type"))).selectByVisibleText(limitPrice == null ? "MARKET" : "LIMIT");
        browser.type(By.id("order-quantity"), quantity);
        if (limitPrice != null) {
            browser.type(By.id("order-limit-price"), limitPrice);
        }
        // The last success line goes with the submission, so that a wait sees this order's answer.
        browser.driver().executeScript("document.getElementById('order-result')?.remove()");
        browser.click(ORDER_SUBMIT);
    }

    private List<String> formErrors() {
        return browser.driver().findElements(By.cssSelector("#order-ticket .field-error, #order-form-error"))
                .stream().map(WebElement::getText).toList();
    }

    /** The ids of the orders the Orders section lists as open, once it shows at least {@code count}. */
    public List<String> openOrders(int count) {
        goTo("orders");
        return browser.waitForAtLeast(OPEN_ORDER_ROWS, count).stream()
                .map(row -> row.getAttribute("data-order-id")).toList();
    }

    /** Cancels an open order with its row's button and waits for the row to leave the list. */
    public TraderPage cancel(String orderId) {
        browser.click(By.id("cancel-" + orderId));
        browser.waitUntilGone(By.cssSelector("#open-orders tr[data-order-id='" + orderId + "']"));
        return this;
    }

    /**
     * Pages through the trade history {@code pageSize} rows at a time with the Next button; returns every row's
     * text, page after page.
     */
    public List<String> allTrades(int pageSize) {
        goTo("history");
        By summary = By.id("trades-history-query-summary");
        if (!browser.driver().findElement(By.id("trades-history-limit")).isDisplayed()) {
            browser.click(summary);
        }
        browser.type(By.id("trades-history-limit"), Integer.toString(pageSize));
        browser.click(By.id("trades-history-apply"));
        List<String> rows = new ArrayList<>();
        for (int page = 1; ; page++) {
            rows.addAll(awaitPage(page, pageSize));
            WebElement next = browser.driver().findElement(By.id("trades-history-next"));
            if (!next.isEnabled()) {
                return rows;
            }
            next.click();
        }
    }

    /**
     * The rows of page {@code page} once it has settled: not loading, its label saying "Page N, K rows" with K at
     * most {@code pageSize} (so not the page shown before the new size applied), and K rows read in one go.
     */
    private List<String> awaitPage(int page, int pageSize) {
        Pattern label = Pattern.compile("Page " + page + ", (\\d+) rows?");
        return new WebDriverWait(browser.driver(), Browser.WAIT).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    if (d.findElement(By.id("trades-history")).getAttribute("aria-busy") != null) {
                        return null;
                    }
                    Matcher shown = label.matcher(d.findElement(By.id("trades-history-page")).getText());
                    if (!shown.matches() || Integer.parseInt(shown.group(1)) > pageSize) {
                        return null;
                    }
                    List<String> texts = d.findElements(TRADE_ROWS).stream().map(WebElement::getText).toList();
                    return texts.size() == Integer.parseInt(shown.group(1)) ? texts : null;
                });
    }

    /** The portfolio's positions: symbol → the row's text. */
    public Map<String, String> positions() {
        goTo("portfolio");
        browser.waitFor(By.id("portfolio-cash"));
        return browser.driver().findElements(By.cssSelector("#positions tr[data-symbol]")).stream()
                .collect(Collectors.toMap(row -> row.getAttribute("data-symbol"), WebElement::getText));
    }

    /** Waits for the portfolio's chart (uPlot draws it once the page has two samples). */
    public TraderPage awaitEquityChart() {
        browser.waitFor(By.cssSelector("#equity-chart canvas"));
        return this;
    }

    /** The cash figure on the portfolio. */
    public String cash() {
        return browser.waitFor(By.id("portfolio-cash")).getText();
    }

    private static By field(String mode, String name) {
        return By.id(mode + "-" + name);
    }
}
