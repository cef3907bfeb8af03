package dev.lanyard.admin;

import static dev.lanyard.web.ApiClient.bearer;
import static dev.lanyard.web.ApiClient.quoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.time.Duration;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET/PUT /api/v1/team/policy} (PRODUCT.md L2, L3) over MockMvc with the whole security chain. */
@LanyardSpringTest
class TeamPolicyApiTest {
    private static final String POLICY = "/api/v1/team/policy";
    /** Without requireSecondFactor, as clients from before it send: it keeps its value. */
    private static final String VALID = quoted("{'idleTimeout':'1d','allowRememberMe':false,'rememberedDays':14,'lifetimeDays':2}");
    private static final String SAVED = quoted("{'idleTimeout':'1d','allowRememberMe':false,'rememberedDays':14,'lifetimeDays':2,'requireSecondFactor':false,'sessionLimit':0,'atSessionLimit':'end-oldest'}");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Accounts accounts;
    @Autowired
    JdbcClient jdbc;

    private ApiClient api;
    private Member admin;

    @BeforeEach
    void signUpAnAdmin() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("alice");
    }

    /** A member (not an admin) of the admin's team, signed in afresh so no cache holds the old role. */
    private Member memberOf(Member admin) throws Exception {
        Member bob = api.signUp("bob");
        String team = accounts.find(new AccountId(admin.accountId())).orElseThrow().team().value();
        jdbc.sql("UPDATE accounts SET role = 'MEMBER', team_id = :team WHERE id = :id")
                .param("team", team).param("id", bob.accountId()).update();
        return api.logIn(bob);
    }

    private TeamPolicy policyOf(Member member) {
        return accounts.policy(accounts.find(new AccountId(member.accountId())).orElseThrow().team());
    }

    private ResultActions putPolicy(Member member, String body) throws Exception {
        return mvc.perform(put(POLICY).cookie(member.cookie()).with(member.from())
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private JsonNode problem(ResultActions actions, int status, String code) throws Exception {
        MvcResult result = actions.andReturn();
        String content = result.getResponse().getContentAsString();
        assertThat(result.getResponse().getStatus()).as(content).isEqualTo(status);
        assertThat(result.getResponse().getContentType()).as(content).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = api.read(result);
        assertThat(problem.path("type").asString()).as(content).isEqualTo("urn:lanyard:problem:" + code);
        assertThat(problem.path("detail").asString()).as("a human detail").isNotBlank();
        assertThat(content).doesNotContain("Exception").doesNotContain("trace");
        return problem;
    }

    private void invalidField(ResultActions actions, String field) throws Exception {
        assertThat(problem(actions, 400, "invalid-input").path("field").asString()).isEqualTo(field);
    }

    @Test
    void anyoneInTheTeamCanReadThePolicy() throws Exception {
        Member bob = memberOf(admin);

        for (Member member : new Member[] {admin, bob}) {
            MvcResult result = mvc.perform(get(POLICY).cookie(member.cookie()).with(member.from())).andReturn();

            assertThat(result.getResponse().getStatus()).isEqualTo(200);
            assertThat(api.read(result)).isEqualTo(json.readTree(
                    quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7,'requireSecondFactor':false,'sessionLimit':0,'atSessionLimit':'end-oldest'}")));
        }
    }

    @Test
    void aPutWithTheETagOfAStaleReadIsRefusedWith412AndChangesNothing() throws Exception {
        MvcResult read = mvc.perform(get(POLICY).cookie(admin.cookie()).with(admin.from())).andReturn();
        String etag = read.getResponse().getHeader("ETag");
        assertThat(etag).matches("\"[0-9a-f]{16}\"");
        MvcResult other = putPolicy(admin, VALID).andReturn(); // another admin's change, made without If-Match
        assertThat(other.getResponse().getStatus()).isEqualTo(200);
        String after = other.getResponse().getHeader("ETag");
        assertThat(after).isNotEqualTo(etag);

        MvcResult stale = mvc.perform(put(POLICY).cookie(admin.cookie()).with(admin.from()).header("If-Match", etag)
                .contentType(MediaType.APPLICATION_JSON).content(quoted("{'idleTimeout':'30d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}")))
                .andReturn();
        assertThat(stale.getResponse().getStatus()).isEqualTo(412);
        assertThat(api.read(stale).path("type").asString()).isEqualTo("urn:lanyard:problem:policy-changed");
        assertThat(policyOf(admin).idleTimeout()).isEqualTo(java.time.Duration.ofDays(1));

        MvcResult fresh = mvc.perform(put(POLICY).cookie(admin.cookie()).with(admin.from()).header("If-Match", etag + ", W/" + after)
                .contentType(MediaType.APPLICATION_JSON).content(quoted("{'idleTimeout':'30d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}")))
                .andReturn();
        assertThat(fresh.getResponse().getStatus()).isEqualTo(200);
        assertThat(policyOf(admin).idleTimeout()).isEqualTo(java.time.Duration.ofDays(30));
    }

    private ResultActions putPolicyIfMatch(String ifMatch, String body) throws Exception {
        return mvc.perform(put(POLICY).cookie(admin.cookie()).with(admin.from()).header("If-Match", ifMatch)
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    /** An If-Match that is not an entity-tag names no read at all: bad input, not another admin's change (412). */
    @Test
    void aMalformedIfMatchIsRefusedAsBadInputNotAsAStaleReadAndChangesNothing() throws Exception {
        String etag = mvc.perform(get(POLICY).cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getHeader("ETag");
        String unquoted = etag.substring(1, etag.length() - 1);
        String change = quoted("{'idleTimeout':'30d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}");
        for (String malformed : new String[] {unquoted, "W/" + unquoted, "\"" + unquoted, etag + ", *", etag + " " + etag, "w/" + etag,
                "", " ", ",", " , ,"}) {
            JsonNode refused = problem(putPolicyIfMatch(malformed, change), 400, "invalid-input");
            assertThat(refused.path("field").asString()).as(malformed).isEqualTo("If-Match");
            assertThat(refused.path("detail").asString()).as(malformed)
                    .isEqualTo("If-Match must be the ETag of the policy you read, with its quotes (such as \"0f3c8e5a9b2d4c71\"), or *.");
        }
        assertThat(policyOf(admin).idleTimeout()).isEqualTo(Duration.ofDays(7));

        JsonNode both = problem(putPolicyIfMatch(unquoted, quoted("{'idleTimeout':'2d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}")),
                400, "invalid-input");
        assertThat(both.path("errors").valueStream().map(e -> e.path("field").asString()).toList())
                .as("named with the body's faults").containsExactly("idleTimeout", "If-Match");

        problem(putPolicyIfMatch("\"0000000000000000\"", change), 412, "policy-changed");
        assertThat(putPolicyIfMatch(" , W/\"0000000000000000\" ,, " + etag, change).andReturn().getResponse().getStatus())
                .as("a list with the current tag among others, spaces and empty elements").isEqualTo(200);
        assertThat(putPolicyIfMatch("*", VALID).andReturn().getResponse().getStatus()).isEqualTo(200);
        assertThat(policyOf(admin).idleTimeout()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void adminChangesThePolicy() throws Exception {
        MvcResult result = putPolicy(admin, VALID).andReturn();

        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(api.read(result)).isEqualTo(json.readTree(SAVED));
        assertThat(policyOf(admin)).isEqualTo(new TeamPolicy(Duration.ofDays(1), false, 14, 2));
        MvcResult read = mvc.perform(get(POLICY).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(api.read(read)).isEqualTo(json.readTree(SAVED));
    }

    /** GET, edit, PUT: the answer is a whole change; a misspelt key is refused and changes nothing (decision 14). */
    @Test
    void theAnswerOfAGetMayBeSentBackEditedAndAMisspeltKeyIsRefused() throws Exception {
        MvcResult read = mvc.perform(get(POLICY).cookie(admin.cookie()).with(admin.from())).andReturn();
        tools.jackson.databind.node.ObjectNode edited = (tools.jackson.databind.node.ObjectNode) api.read(read);
        edited.put("sessionLimit", 3).put("atSessionLimit", "refuse");

        MvcResult changed = putPolicy(admin, api.write(edited)).andReturn();
        assertThat(changed.getResponse().getStatus()).as(changed.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(api.read(changed)).isEqualTo(edited);

        edited.remove("sessionLimit");
        edited.put("sessionLimt", 0);
        JsonNode refused = problem(putPolicy(admin, api.write(edited)), 400, "invalid-json");
        assertThat(refused.path("field").asString()).isEqualTo("sessionLimt");
        assertThat(policyOf(admin).sessionLimit()).isEqualTo(3);
    }

    /** Left out, a value is kept; given as null it is refused, not read as left out (found from outside: the limit stayed). */
    @Test
    void aNullForAFieldThatMayBeLeftOutIsRefusedAndChangesNothing() throws Exception {
        putPolicy(admin, quoted("{'idleTimeout':'1d','allowRememberMe':false,'rememberedDays':14,'lifetimeDays':2,'sessionLimit':2}")).andReturn();

        for (String field : new String[] {"sessionLimit", "atSessionLimit", "requireSecondFactor"}) {
            JsonNode refused = problem(putPolicy(admin, quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30,"
                    + "'lifetimeDays':7,'" + field + "':null}")), 400, "invalid-json");
            assertThat(refused.path("field").asString()).isEqualTo(field);
            assertThat(refused.path("detail").asString()).isEqualTo("'" + field + "' cannot be null: leave it out to keep its value.");
        }
        assertThat(policyOf(admin)).isEqualTo(new TeamPolicy(Duration.ofDays(1), false, 14, 2, false, 2, false));
    }

    @Test
    void adminWithABearerTokenChangesThePolicy() throws Exception {
        Member token = api.logInForBearer(admin);

        MvcResult result = mvc.perform(put(POLICY).with(bearer(token)).with(token.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(quoted("{'idleTimeout':'never','allowRememberMe':true,'rememberedDays':365,'lifetimeDays':1}"))).andReturn();

        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        assertThat(policyOf(admin)).isEqualTo(new TeamPolicy(Duration.ZERO, true, 365, 1));
    }

    @Test
    void memberCannotChangeThePolicy() throws Exception {
        Member bob = memberOf(admin);

        problem(putPolicy(bob, VALID), 403, "forbidden");

        assertThat(policyOf(admin)).isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void signedOutCallerCanNeitherReadNorChangeThePolicy() throws Exception {
        problem(mvc.perform(get(POLICY)), 401, "unauthenticated");
        problem(mvc.perform(put(POLICY).contentType(MediaType.APPLICATION_JSON).content(VALID)), 401, "unauthenticated");
    }

    @Test
    void idleTimeoutOutsideTheChoicesIsRefusedWithItsField() throws Exception {
        for (String idle : new String[] {"2d", "7D", "", "0", "PT24H", "7 days"}) {
            invalidField(putPolicy(admin, quoted("{'idleTimeout':'" + idle + "','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}")),
                    "idleTimeout");
        }
        assertThat(policyOf(admin)).isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void daysOutsideOneToAYearAreRefusedWithTheirField() throws Exception {
        invalidField(putPolicy(admin, quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':0,'lifetimeDays':7}")), "rememberedDays");
        invalidField(putPolicy(admin, quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':366,'lifetimeDays':7}")), "rememberedDays");
        invalidField(putPolicy(admin, quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':0}")), "lifetimeDays");
        invalidField(putPolicy(admin, quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':-7}")), "lifetimeDays");

        assertThat(policyOf(admin)).isEqualTo(TeamPolicy.DEFAULT);
    }

    /** Each field at fault was found only after the one before it was fixed: now they are all named at once, nothing saved. */
    @Test
    void everyFieldAtFaultIsNamedAtOnce() throws Exception {
        JsonNode refused = problem(putPolicy(admin, quoted("{'idleTimeout':'2d','allowRememberMe':true,'rememberedDays':400,"
                + "'lifetimeDays':7,'sessionLimit':500,'atSessionLimit':'sometimes'}")), 400, "invalid-input");

        assertThat(refused.path("field").asString()).isEqualTo("idleTimeout");
        assertThat(refused.path("errors").valueStream().map(e -> e.path("field").asString() + ": " + e.path("detail").asString()).toList())
                .containsExactly("idleTimeout: Choose 1 day, 7 days, 30 days or never.",
                        "rememberedDays: Remembered sessions last between 1 and 365 days.",
                        "sessionLimit: The session limit is between 1 and 100, or 0 for none.",
                        "atSessionLimit: At the session limit, choose end-oldest or refuse.");
        assertThat(refused.path("detail").asString()).as("every message, for a client that reads only detail")
                .isEqualTo("Choose 1 day, 7 days, 30 days or never. Remembered sessions last between 1 and 365 days. "
                        + "The session limit is between 1 and 100, or 0 for none. At the session limit, choose end-oldest or refuse.");

        JsonNode missing = problem(putPolicy(admin, quoted("{'rememberedDays':3,'lifetimeDays':5}")), 400, "invalid-input");
        assertThat(missing.path("errors").valueStream().map(e -> e.path("field").asString()).toList())
                .as("the rule between two fields is said once both keep their own").containsExactly("idleTimeout", "allowRememberMe", "rememberedDays");
        assertThat(missing.path("errors").get(2).path("detail").asString()).isEqualTo("Remembered sessions cannot be shorter than other sessions.");
        assertThat(policyOf(admin)).isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void missingFieldsAreRefusedNamingTheFirstOneMissing() throws Exception {
        invalidField(putPolicy(admin, "{}"), "idleTimeout");
        invalidField(putPolicy(admin, quoted("{'allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}")), "idleTimeout");
        invalidField(putPolicy(admin, quoted("{'idleTimeout':'7d','rememberedDays':30,'lifetimeDays':7}")), "allowRememberMe");
        invalidField(putPolicy(admin, quoted("{'idleTimeout':'7d','allowRememberMe':true,'lifetimeDays':7}")), "rememberedDays");
        invalidField(putPolicy(admin, quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30}")), "lifetimeDays");
        invalidField(putPolicy(admin, quoted("{'idleTimeout':null,'allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}")), "idleTimeout");

        assertThat(policyOf(admin)).isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void bodiesOfTheWrongShapeAreBadRequestsNeverServerErrors() throws Exception {
        String[] bodies = {
                quoted("{'idleTimeout':'7d','allowRememberMe':'sometimes','rememberedDays':30,'lifetimeDays':7}"),
                quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':'thirty','lifetimeDays':7}"),
                quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':99999999999}"),
                quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':[7]}"),
                quoted("{'idleTimeout':{'days':7},'allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}"),
                quoted("{'idleTimeout':['7d'],'allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}"),
                "[]", "\"7d\"", "42", "null", "", "{", "{\"idleTimeout\":\"7d\",}",
        };
        for (String body : bodies) {
            MvcResult result = putPolicy(admin, body).andReturn();
            String content = result.getResponse().getContentAsString();

            assertThat(result.getResponse().getStatus()).as("%s → %s", body, content).isEqualTo(400);
            assertThat(result.getResponse().getContentType()).as(body).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            assertThat(api.read(result).path("type").asString()).as(body).startsWith("urn:lanyard:problem:invalid-");
            assertThat(content).as(body).doesNotContain("Exception");
        }
        assertThat(policyOf(admin)).isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void policyChangeWithTheCookieMustBeJson() throws Exception {
        MvcResult result = mvc.perform(put(POLICY).cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .content("idleTimeout=never&allowRememberMe=true&rememberedDays=365&lifetimeDays=365")).andReturn();

        assertThat(result.getResponse().getStatus()).isEqualTo(415);
        assertThat(policyOf(admin)).isEqualTo(TeamPolicy.DEFAULT);
    }

    /**
     * The policy's numbers are JSON numbers, whole: a string of digits ({@code "30"}, {@code "+30"}), a fraction, an
     * exponent or a boolean is refused naming the field, as the page refuses anything but decimal digits; nothing is saved.
     */
    @Test
    void aNumberFieldIsAJsonWholeNumberAndAnythingElseNamesTheField() throws Exception {
        for (String field : new String[] {"rememberedDays", "lifetimeDays", "sessionLimit"}) {
            for (String bad : new String[] {"'5'", "'+5'", "' 5'", "5.0", "5.5", "5e0", "true", "[5]", "{}"}) {
                String body = quoted(("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7,'sessionLimit':0}")
                        .replace("'" + field + "':" + (field.equals("rememberedDays") ? "30" : field.equals("lifetimeDays") ? "7" : "0"),
                                "'" + field + "':" + bad));
                JsonNode refused = problem(putPolicy(admin, body), 400, "invalid-json");
                assertThat(refused.path("field").asString()).as(field + " " + bad).isEqualTo(field);
                assertThat(refused.path("detail").asString()).as(field + " " + bad).startsWith("'" + field + "' must be ");
            }
        }
        assertThat(policyOf(admin)).isEqualTo(TeamPolicy.DEFAULT);
    }
}
